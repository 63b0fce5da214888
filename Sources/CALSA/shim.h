#ifndef BIRDSONG_CALSA_SHIM_H
#define BIRDSONG_CALSA_SHIM_H

#include <alsa/asoundlib.h>

// alsa-lib prints its own error messages on stderr unless given a handler. The handler type
// is variadic, which Swift cannot write, so the silent handler lives here. Errors still reach
// us as return codes, and we report them once, in words.
static void birdsong_alsa_silent_handler(const char *file, int line, const char *function, int err,
                                         const char *fmt, ...) {
  (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

static inline void birdsong_alsa_silence_errors(void) {
  snd_lib_error_set_handler(birdsong_alsa_silent_handler);
}

#endif
