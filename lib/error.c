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
