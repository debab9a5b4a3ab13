/* error.c - the words of the last refusal or failure, kept on the handle. */
#include <stdarg.h>
#include <stdio.h>

#include "servicer-private.h"

svc_status_t svc__error(svc_db_t *db, svc_status_t st, const char *fmt, ...)
{
	va_list ap;

	if (!db)
		return st;
	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
	va_end(ap);
	return st;
}

const char *svc_errmsg(const svc_db_t *db)
{
	return db ? db->errmsg : "out of memory";
}

svc_status_t svc__version_ok(svc_db_t *db, unsigned got, unsigned want, const char *what,
			     const char *doing)
{
	if (got == want)
		return SVC_OK;
	return svc__error(db, SVC_EINVAL,
			  "cannot %s: the program was built for another servicer library (%s %u, this library's %u); set it with the _INIT macro and rebuild",
			  doing, what, got, want);
}
