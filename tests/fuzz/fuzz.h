/*
 * What the libFuzzer sources with several targets share: run.sh builds one
 * target per binary, chosen with -DFUZZ_TARGET=N, the Nth (from 1) of the
 * source's list, in the order run.sh names them.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=N (see tests/fuzz/run.sh)"
#endif

typedef void fuzz_target(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs target FUZZ_TARGET of the count in targets over the input. */
static inline void fuzz_run(fuzz_target *const targets[], size_t count, const uint8_t *data,
			    size_t size)
{
	if (FUZZ_TARGET < 1 || (size_t)FUZZ_TARGET > count)
		__builtin_trap();
	targets[FUZZ_TARGET - 1](data, size);
}
