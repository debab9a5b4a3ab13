/*
 * sha256.c (bench) - seconds servicer's SHA-256 (lib/sha256.c) takes over
 * MIB mebibytes in memory, in C and by the processor's SHA instructions if
 * it has them, best of three each; the digest of each way printed, so that
 * a reader sees they agree.  Built and run by sha256.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "servicer-private.h"

static double seconds(const unsigned char *p, size_t n, bool hardware, char hex[65], bool *took)
{
	double best = 1e9;

	for (int run = 0; run < 3; run++) {
		struct timespec a, z;
		svc__sha256_t c;

		clock_gettime(CLOCK_MONOTONIC, &a);
		*took = svc__sha256_init_with(&c, hardware);
		svc__sha256_add(&c, p, n);
		svc__sha256_hex(&c, hex);
		clock_gettime(CLOCK_MONOTONIC, &z);
		double t = (double)(z.tv_sec - a.tv_sec) + (double)(z.tv_nsec - a.tv_nsec) / 1e9;

		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 200) << 20;
	unsigned char *p = malloc(n);
	char c_hex[65], hw_hex[65];
	double c_sec, hw_sec;
	bool took;

	if (!p)
		return 1;
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 2654435761u >> 13);
	c_sec = seconds(p, n, false, c_hex, &took);
	hw_sec = seconds(p, n, true, hw_hex, &took);
	printf("in C                  %7.3f s  %s\n", c_sec, c_hex);
	printf("SHA instructions      %7.3f s  %s%s\n", hw_sec, hw_hex,
	       took ? "" : " (the processor has none: C again)");
	printf("C / instructions      %.1fx\n", c_sec / hw_sec);
	free(p);
	return 0;
}
