/*
 * digest.c - an import's SHA-256, taken on a second thread while the
 * first parses and writes: hashing a file in C costs about as much as a
 * tenth of importing it, and the machine has another core (with the
 * processor's SHA instructions, sha256.c, it costs a twelfth of that, and
 * the thread mostly waits).  The bytes are copied
 * into a ring of chunks; the reader waits only when the ring is full.
 * Without a thread (one could not be started) they are hashed in place.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

#define SLOTS 8
#define SLOT_BYTES 65536

struct svc__digest {
	svc__sha256_t sha;
	bool threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	unsigned head, tail; /* slots filled: head - tail; the next to fill: head */
	bool done;
	size_t len[SLOTS];
	unsigned char slot[SLOTS][SLOT_BYTES];
};

static void *hasher(void *arg)
{
	svc__digest_t *d = arg;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		while (d->head == d->tail && !d->done)
			pthread_cond_wait(&d->filled, &d->lock);
		if (d->head == d->tail)
			break;
		unsigned i = d->tail % SLOTS;

		/* The slot is the hasher's until tail moves past it. */
		pthread_mutex_unlock(&d->lock);
		svc__sha256_add(&d->sha, d->slot[i], d->len[i]);
		pthread_mutex_lock(&d->lock);
		d->tail++;
		pthread_cond_signal(&d->emptied);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

svc__digest_t *svc__digest_new(void)
{
	svc__digest_t *d = malloc(sizeof *d);

	if (!d)
		return NULL;
	svc__sha256_init(&d->sha);
	d->head = d->tail = 0;
	d->done = false;
	d->threaded = false;
	if (pthread_mutex_init(&d->lock, NULL) != 0)
		return d;
	if (pthread_cond_init(&d->filled, NULL) == 0) {
		if (pthread_cond_init(&d->emptied, NULL) == 0) {
			if (pthread_create(&d->thread, NULL, hasher, d) == 0) {
				d->threaded = true;
				return d;
			}
			pthread_cond_destroy(&d->emptied);
		}
		pthread_cond_destroy(&d->filled);
	}
	pthread_mutex_destroy(&d->lock);
	return d;
}

void svc__digest_add(svc__digest_t *d, const void *data, size_t n)
{
	const unsigned char *p = data;

	if (!d->threaded) {
		svc__sha256_add(&d->sha, data, n);
		return;
	}
	while (n > 0) {
		size_t take = n < SLOT_BYTES ? n : SLOT_BYTES;
		unsigned i;

		pthread_mutex_lock(&d->lock);
		while (d->head - d->tail == SLOTS)
			pthread_cond_wait(&d->emptied, &d->lock);
		i = d->head % SLOTS;
		pthread_mutex_unlock(&d->lock);
		memcpy(d->slot[i], p, take);
		d->len[i] = take;
		pthread_mutex_lock(&d->lock);
		d->head++;
		pthread_cond_signal(&d->filled);
		pthread_mutex_unlock(&d->lock);
		p += take;
		n -= take;
	}
}

void svc__digest_end(svc__digest_t *d, char out[65])
{
	if (d->threaded) {
		pthread_mutex_lock(&d->lock);
		d->done = true;
		pthread_cond_signal(&d->filled);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->thread, NULL);
		pthread_cond_destroy(&d->filled);
		pthread_cond_destroy(&d->emptied);
		pthread_mutex_destroy(&d->lock);
	}
	svc__sha256_hex(&d->sha, out);
	free(d);
}
