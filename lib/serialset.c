/*
 * serialset.c - serials as 64-bit hashes in an open-addressed table: what
 * a bulk import may append without asking the database whether the serial
 * is there.  A hash already in the set may be another serial's: the caller
 * then asks the database, so a collision costs a round trip, never a rule.
 */
#include <stdint.h>
#include <stdlib.h>

#include "servicer-private.h"

struct svc__serialset {
	uint64_t *slot; /* 0: empty */
	size_t cap, n;
	bool failed; /* memory ran out once: a serial may be missing */
};

/* FNV-1a, mixed (the finalizer of MurmurHash3), never 0. */
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
	return h | 1;
}

svc__serialset_t *svc__serialset_new(void)
{
	return calloc(1, sizeof(svc__serialset_t));
}

void svc__serialset_free(svc__serialset_t *s)
{
	if (s)
		free(s->slot);
	free(s);
}

static bool put(uint64_t *slot, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (slot[i] && slot[i] != h)
		i = (i + 1) & (cap - 1);
	if (slot[i])
		return false;
	slot[i] = h;
	return true;
}

/* Twice as many slots, or false when memory ran out. */
static bool grow(svc__serialset_t *s)
{
	size_t cap = s->cap ? s->cap * 2 : 4096;
	uint64_t *slot = calloc(cap, sizeof *slot);

	if (!slot)
		return false;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i])
			put(slot, cap, s->slot[i]);
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return true;
}

bool svc__serialset_add(svc__serialset_t *s, const char *serial)
{
	/* Half full at most.  Once memory ran out, a serial may be missing
	 * from the set, and every serial is "maybe there" from then on. */
	if (s->failed || (s->n * 2 >= s->cap && !(grow(s) || (s->failed = true, false))))
		return false;
	if (!put(s->slot, s->cap, hash(serial)))
		return false;
	s->n++;
	return true;
}
