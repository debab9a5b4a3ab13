/*
 * store_load.c - which driver a database takes: SQLite, built in, for a
 * path; PostgreSQL, a module loaded with dlopen only when a database is a
 * postgresql:// URL, found beside the program (a build tree) or in the
 * library directory's servicer/ relative to it (an install under any
 * prefix), as the mail transport is.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servicer-private.h"

#ifndef SVC_MODULE_REL
#define SVC_MODULE_REL "../lib/servicer"
#endif
#define PG_MODULE "servicer-pg.so"

bool svc__is_postgresql(const char *where)
{
	return where && (strncmp(where, "postgresql://", 13) == 0 ||
			 strncmp(where, "postgres://", 11) == 0);
}

svc_status_t svc__driver_for(svc_db_t *db, const char *where, const svc__driver_t **drv)
{
	static const svc__driver_t *pg;
	svc__driver_entry_t entry;
	char *path;
	void *module;

	*drv = &svc__sqlite_driver;
	if (!svc__is_postgresql(where))
		return SVC_OK;
	if ((*drv = pg))
		return SVC_OK;
	if (!(path = svc__companion(PG_MODULE, SVC_MODULE_REL, R_OK)))
		return svc__error(db, SVC_ECONFIG,
				  "cannot use a PostgreSQL database: the module %s is neither beside servicer nor in %s relative to it; install servicer's PostgreSQL support",
				  PG_MODULE, SVC_MODULE_REL);
	module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	entry = module ? (svc__driver_entry_t)dlsym(module, "svc_store_driver") : NULL;
	pg = entry ? entry(SVC__DRIVER_ABI) : NULL;
	if (!pg || !pg->schema_step(svc_schema_version() - 1) ||
	    pg->schema_step(svc_schema_version())) {
		svc__error(db, SVC_ECONFIG,
			   "cannot use a PostgreSQL database: '%s' %s", path,
			   !module ? dlerror() : "was built for another servicer; install the one of this version");
		free(path);
		pg = NULL;
		return SVC_ECONFIG;
	}
	free(path);
	*drv = pg;
	return SVC_OK;
}
