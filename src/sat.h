/* sat.h: sums and products that stop at 2^64-1. A counter that wrapped
   could be lowered by a forged number; one that stops stays a bound no
   later number gets under. */

#ifndef MYSQMAIL_SAT_H
#define MYSQMAIL_SAT_H

#include <stdint.h>

static inline uint64_t sat_add (uint64_t a, uint64_t b)
{
  return a > UINT64_MAX - b ? UINT64_MAX : a + b ;
}

static inline uint64_t sat_mul (uint64_t a, uint64_t b)
{
  return b && a > UINT64_MAX / b ? UINT64_MAX : a * b ;
}

#endif
