/*
 * fuzz_message.c - whatever Section 2 and copies a close-out is given, the
 * message it becomes has CRLF line ends only, no header line over 998
 * characters, and no 8-bit byte in its headers.  The input is the fields,
 * one a line: symptom, cause, action, signed_by, remarks, closeout.cc.
 */
#include "fuzz.h"

static void check_message(const char *m, size_t len)
{
	const char *end = strstr(m, "\r\n\r\n");
	size_t line = 0;

	FUZZ_CHECK(end, "a header block");
	for (size_t i = 0; i < len; i++) {
		if (m[i] == '\n')
			FUZZ_CHECK(i > 0 && m[i - 1] == '\r', "no bare LF");
		if (m[i] == '\r')
			FUZZ_CHECK(i + 1 < len && m[i + 1] == '\n', "no bare CR");
	}
	for (const char *p = m; p < end; p++) {
		FUZZ_CHECK((unsigned char)*p < 0x80, "no 8-bit byte in a header");
		line = *p == '\n' ? 0 : line + 1;
		FUZZ_CHECK(line <= 998, "no header line over 998");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	svc_db_t *db = fuzz_db();
	char *s = fuzz_string(data, size > 4000 ? 4000 : size), *field[6] = { 0 }, *p = s, *msg;
	svc_closeout_req_t q = { .version = SVC_CLOSEOUT_REQ_VERSION, .labor = "1.5" };
	size_t len;

	for (int i = 0; i < 6 && p; i++) {
		field[i] = p;
		if ((p = strchr(p, '\n')))
			*p++ = '\0';
	}
	q.symptom = field[0];
	q.cause = field[1];
	q.action = field[2];
	q.signed_by = field[3];
	q.remarks = field[4];
	svc_config_set(db, "closeout.cc", field[5] && *field[5] ? field[5] : NULL);
	if (svc_closeout_record(db, "C-1", &q, NULL) == SVC_OK &&
	    svc_closeout_message(db, "C-1", &msg, &len) == SVC_OK) {
		check_message(msg, len);
		free(msg);
	}
	free(s);
	return 0;
}
