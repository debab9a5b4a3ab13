/*
 * collect_judge.c - one device's answer to meter collection, judged: the
 * device must say it is the registered one, every counter asked must be a
 * counter, and the reading of today goes through the rules of a submitted
 * one (never lower than the one before, never higher than the one after,
 * once a day), source 'snmp'.  Today's reading with the same counters is
 * "unchanged", so that a second run on a day changes nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

typedef svc__collect_target_t target_t;

/* A string value "s:HEX" as text into OUT, trailing blanks and NULs gone. */
static void unhex(const char *hex, char *out, size_t len)
{
	size_t n = 0;

	for (; isxdigit((unsigned char)hex[0]) && isxdigit((unsigned char)hex[1]) && n + 1 < len;
	     hex += 2) {
		char b[3] = { hex[0], hex[1], 0 };
		int c = (int)strtol(b, NULL, 16);

		out[n++] = c >= ' ' && c < 127 ? (char)c : c == 0 ? '\0' : '?';
	}
	out[n] = '\0';
	n = strlen(out);
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
}

static svc_status_t record(svc_db_t *db, const char *serial, const long long v[SVC__NCOUNTERS],
			   bool dry_run, bool *unchanged)
{
	char day[11], doing[160];
	long long have[SVC__NCOUNTERS];
	bool taken = false;
	svc_status_t rc;

	*unchanged = false;
	snprintf(doing, sizeof doing, "record the reading of %s", serial);
	if ((rc = svc__meter_parse_day(db, doing, NULL, day)) != SVC_OK)
		return rc;
	snprintf(doing, sizeof doing, "record the reading of %s on %s", serial, day);
	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = svc__meter_device(db, doing, serial, true)) == SVC_OK &&
	    (rc = svc__meter_day_taken(db, serial, day, have, &taken)) == SVC_OK && taken)
		*unchanged = have[0] == v[0] && have[1] == v[1] && have[2] == v[2];
	if (rc == SVC_OK && !*unchanged)
		rc = svc__meter_record(db, doing, serial, day, v, "snmp", "collect");
	if (dry_run || *unchanged) {
		svc__rollback(db);
		return rc;
	}
	return svc__finish(db, rc);
}

/* Counter C's value word W ("i:N", "n", ...) into *V; false with the
 * reason in DETAIL when it is no counter. */
static bool counter_value(const target_t *t, int c, const char *w, long long *v, char *detail,
			  size_t len)
{
	char *end, text[80];

	if (w && strncmp(w, "i:", 2) == 0 && isdigit((unsigned char)w[2])) {
		*v = strtoll(w + 2, &end, 10);
		if (!*end && *v <= SVC_METER_MAX)
			return true;
	}
	if (!w || strcmp(w, "n") == 0) {
		if (t->counter[c])
			snprintf(detail, len, "the device has no counter %ld (%s)", t->counter[c],
				 svc__meter_counters[c]);
		else
			snprintf(detail, len, "the device has no prtMarkerLifeCount (total); give"
				 " its model Canon's counters with 'servicer model set'");
		return false;
	}
	if (strncmp(w, "s:", 2) == 0)
		unhex(w + 2, text, sizeof text);
	else
		snprintf(text, sizeof text, "%s", strncmp(w, "i:", 2) == 0 ? w + 2 : w);
	snprintf(detail, len, "the device's %s is '%s', not a counter; nothing recorded",
		 svc__meter_counters[c], text);
	return false;
}

/* The serial the device gave (W, its Printer-MIB one, else CANON, its
 * Canon one), checked against T's. */
static bool same_device(const target_t *t, const char *w, const char *canon, char *detail,
			size_t len)
{
	char said[80] = "", norm[SVC_SERIAL_MAX + 1], err[200];

	if (w && strncmp(w, "s:", 2) == 0)
		unhex(w + 2, said, sizeof said);
	if (!said[0] && canon && strncmp(canon, "s:", 2) == 0)
		unhex(canon + 2, said, sizeof said);
	if (!said[0]) {
		snprintf(detail, len, "the device at %s does not give its serial"
			 " (prtGeneralSerialNumber, nor Canon's); nothing recorded", t->address);
		return false;
	}
	if (svc_serial_normalize(said, norm, err, sizeof err) == SVC_OK &&
	    strcmp(norm, t->serial) == 0)
		return true;
	snprintf(detail, len, "the device at %s is %s, not %s; nothing recorded", t->address, said,
		 t->serial);
	return false;
}

svc_status_t svc__collect_judge(svc_db_t *db, const target_t *t, char *answer,
				svc_collect_result_t *r, bool dry_run)
{
	static char detail[SVC_ERRMSG_MAX], version[4];
	long long v[SVC__NCOUNTERS] = { -1, -1, -1 };
	char *save = NULL, *w = strtok_r(answer, " ", &save);
	bool unchanged, no_counters = !t->counter[0] && !t->counter[1] && !t->counter[2];
	svc_status_t rc;

	*r = (svc_collect_result_t){ t->serial, t->address, SVC_COLLECT_UNREACHABLE, detail, NULL,
				     -1, -1, -1, 0, 0 };
	if (!w || strcmp(w, "ok") != 0) {
		snprintf(detail, sizeof detail, w && strcmp(w, "error") == 0
			 ? "the agent answered: %s" : "no answer to SNMP v2c nor v1%s",
			 w && strcmp(w, "error") == 0 ? save : "");
		return SVC_OK;
	}
	snprintf(version, sizeof version, "%s", (w = strtok_r(NULL, " ", &save)) ? w : "?");
	r->version = version;
	r->outcome = SVC_COLLECT_WRONG_SERIAL;
	w = strtok_r(NULL, " ", &save);
	if (!same_device(t, w, strtok_r(NULL, " ", &save), detail, sizeof detail))
		return SVC_OK;
	r->outcome = SVC_COLLECT_REFUSED;
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if ((no_counters && c == 0) || t->counter[c])
			if (!counter_value(t, c, strtok_r(NULL, " ", &save), &v[c], detail,
					   sizeof detail))
				return SVC_OK;
	r->total = v[0], r->bw = v[1], r->color = v[2];
	rc = record(db, t->serial, v, dry_run, &unchanged);
	if (rc == SVC_ERULE || rc == SVC_EINVAL || rc == SVC_EPERM) {
		snprintf(detail, sizeof detail, "%s", svc_errmsg(db));
		return SVC_OK;
	}
	if (rc != SVC_OK)
		return rc;
	r->outcome = unchanged ? SVC_COLLECT_UNCHANGED : SVC_COLLECT_READ;
	snprintf(detail, sizeof detail, "%s", unchanged ? "today's reading is the same"
			 : dry_run ? "would be recorded (dry run)" : "recorded");
	return SVC_OK;
}
