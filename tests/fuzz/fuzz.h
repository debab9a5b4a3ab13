/* fuzz.h - what the fuzz targets share: one database, made on first use. */
#ifndef SERVICER_FUZZ_H
#define SERVICER_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servicer.h"

/* Stop with a message: libFuzzer keeps the input as the reproducer. */
#define FUZZ_CHECK(cond, what)                                                        \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "fuzz: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* A dealer's database in a temporary directory, with one active unit and
 * one completed CITS call, C-1, on it. */
static svc_db_t *fuzz_db(void)
{
	static svc_db_t *db;
	static char dir[] = "/tmp/svcfuzz.XXXXXX";
	svc_registration_t r = { .version = SVC_REGISTRATION_VERSION, .model = "iR-ADV C5535", .serial = "2XB01234",
				 .installed = "2025-01-15" };
	svc_dispatch_req_t q = { .version = SVC_DISPATCH_REQ_VERSION, .serial = "2XB01234", .number = "C-1", .problem = "jam",
				 .received = "2025-11-18T09:00" };
	char *serials[] = { "2XB01234" }, path[64];
	long long id;

	if (db)
		return db;
	setenv("TZ", "America/New_York", 1);
	tzset();
	FUZZ_CHECK(mkdtemp(dir), "cannot make a temporary directory");
	snprintf(path, sizeof path, "%s/servicer.db", dir);
	FUZZ_CHECK(svc_db_create(path, "D1", "Fuzz Copiers", &db) == SVC_OK, "create");
	FUZZ_CHECK(svc_model_add(db, "iR-ADV C5535", 36, 8, NULL) == SVC_OK, "model");
	FUZZ_CHECK(svc_device_register(db, &r, NULL) == SVC_OK, "register");
	FUZZ_CHECK(svc_device_confirm(db, serials, 1, NULL) == SVC_OK, "confirm");
	FUZZ_CHECK(svc_dispatch_new(db, &q, &id) == SVC_OK, "call");
	FUZZ_CHECK(svc_dispatch_assign(db, "C-1", svc_db_actor(db), "2025-11-18T09:10") == SVC_OK,
		   "assign");
	FUZZ_CHECK(svc_dispatch_arrive(db, "C-1", "2025-11-18T10:00") == SVC_OK, "arrive");
	FUZZ_CHECK(svc_dispatch_complete(db, "C-1", "2025-11-18T11:30") == SVC_OK, "complete");
	FUZZ_CHECK(svc_config_set(db, "mail.from", "service@acme.example") == SVC_OK, "mail.from");
	return db;
}

/* DATA as a C string (malloc'd): the fuzzer's bytes up to the first NUL. */
static char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s, "out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
