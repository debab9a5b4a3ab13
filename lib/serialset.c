/*
 * serialset.c - the serials a bulk import has seen, in a Bloom filter of a
 * fixed size: what it may append without asking the database whether the
 * serial is there.  Its memory does not grow with the file or the fleet.
 * A serial the filter takes for one already seen (all its bits set by
 * others) goes the row path: the caller asks the database, so a false
 * "seen" costs a round trip, never a rule.  With 2^27 bits and five bits a
 * serial, one in 15 million serials is taken for seen after a million, one
 * in 7,000 after five million.
 */
#include <stdint.h>
#include <stdlib.h>

#include "servicer-private.h"

#define BITS_LOG2 27
#define PROBES 5

struct svc__serialset {
	uint64_t *word; /* 2^BITS_LOG2 bits */
};

/* FNV-1a, mixed (the finalizer of MurmurHash3). */
static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

svc__serialset_t *svc__serialset_new(void)
{
	svc__serialset_t *s = malloc(sizeof *s);

	if (s && !(s->word = calloc((size_t)1 << (BITS_LOG2 - 6), sizeof *s->word))) {
		free(s);
		s = NULL;
	}
	return s;
}

void svc__serialset_free(svc__serialset_t *s)
{
	if (s)
		free(s->word);
	free(s);
}

bool svc__serialset_add(svc__serialset_t *s, const char *serial)
{
	/* Its probes: the hash and, stepped by an odd second one drawn from
	 * it, PROBES - 1 more (double hashing: as good as independent ones). */
	uint64_t h = hash(serial), step = (h * 0x9e3779b97f4a7c15ULL) | 1;
	bool fresh = false;

	for (int i = 0; i < PROBES; i++, h += step) {
		uint64_t bit = h >> (64 - BITS_LOG2), mask = 1ULL << (bit & 63);

		fresh |= !(s->word[bit >> 6] & mask);
		s->word[bit >> 6] |= mask;
	}
	return fresh;
}
