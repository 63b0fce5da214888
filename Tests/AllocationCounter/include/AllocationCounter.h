#ifndef BIRDSONG_ALLOCATION_COUNTER_H
#define BIRDSONG_ALLOCATION_COUNTER_H

// Counts heap allocations made by the calling thread between start and stop, by interposing
// malloc and its relatives in the test process (each forwards to the C library's own).
// For tests only: it proves the render path allocates nothing.

void birdsong_allocations_start(void);
/// Stops counting and returns the allocations the thread made since start.
long birdsong_allocations_stop(void);

#endif
