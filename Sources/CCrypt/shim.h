// libxcrypt: the system's salted password hashing (the same as /etc/shadow uses).
#include <crypt.h>
