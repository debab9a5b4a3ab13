/*
 * servicer-smtp - the mail transport of servicer closeout --send.
 *
 * Not run by people: servicer starts it, writes the server's settings and
 * then one message at a time on standard input, and reads one answer per
 * message on standard output (see lib/outbox.c).  All messages go over one
 * connection, which libcurl keeps open between transfers.  It lives apart
 * so that only sending loads libcurl and its TLS stack.
 */
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct settings {
	char url[512], user[256], password[512], starttls[16], cainfo[512], from[256];
	long timeout;
} settings_t;

typedef struct upload {
	const char *p;
	size_t left;
} upload_t;

/* What the server said to this message: its last reply, and the first
 * that refused something (4xx or 5xx), which is the one to report. */
static char last_reply[512], refusal[512];

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
	(void)h;
	(void)ctx;
	if (type == CURLINFO_HEADER_IN && size > 0) {
		size_t n = size < sizeof last_reply - 1 ? size : sizeof last_reply - 1;

		memcpy(last_reply, data, n);
		last_reply[n] = '\0';
		last_reply[strcspn(last_reply, "\r\n")] = '\0';
		if (!refusal[0] && (last_reply[0] == '4' || last_reply[0] == '5'))
			memcpy(refusal, last_reply, sizeof refusal);
	}
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *ctx)
{
	upload_t *u = ctx;
	size_t n = size * nitems < u->left ? size * nitems : u->left;

	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static bool read_line(char *buf, size_t len)
{
	if (!fgets(buf, (int)len, stdin))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static bool read_settings(settings_t *s)
{
	char line[1024];

	memset(s, 0, sizeof *s);
	s->timeout = 60;
	while (read_line(line, sizeof line)) {
		char *v = strchr(line, ' ');

		if (strcmp(line, "end") == 0)
			return s->url[0] && s->from[0];
		if (!v)
			return false;
		*v++ = '\0';
		if (strcmp(line, "url") == 0)
			snprintf(s->url, sizeof s->url, "%s", v);
		else if (strcmp(line, "user") == 0)
			snprintf(s->user, sizeof s->user, "%s", v);
		else if (strcmp(line, "password") == 0)
			snprintf(s->password, sizeof s->password, "%s", v);
		else if (strcmp(line, "starttls") == 0)
			snprintf(s->starttls, sizeof s->starttls, "%s", v);
		else if (strcmp(line, "cainfo") == 0)
			snprintf(s->cainfo, sizeof s->cainfo, "%s", v);
		else if (strcmp(line, "from") == 0)
			snprintf(s->from, sizeof s->from, "<%s>", v);
		else if (strcmp(line, "timeout") == 0)
			s->timeout = strtol(v, NULL, 10);
	}
	return false;
}

static CURL *connect_handle(const settings_t *s, char *errbuf)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, s->timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, s->timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (strncmp(s->url, "smtp://", 7) == 0)
		curl_easy_setopt(h, CURLOPT_USE_SSL,
				 strcmp(s->starttls, "no") == 0 ? (long)CURLUSESSL_NONE
								: (long)CURLUSESSL_ALL);
	if (s->cainfo[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, s->cainfo);
	if (s->user[0]) {
		curl_easy_setopt(h, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, s->password);
	}
	return h;
}

/* Which answer a finished transfer gets: the server's code decides. */
static const char *classify(CURLcode rc, long code)
{
	if (rc == CURLE_OK)
		return "sent";
	if (rc == CURLE_LOGIN_DENIED)
		return "auth";
	if (code >= 500 && code < 600)
		return "perm";
	if (code >= 400 && code < 500)
		return "temp";
	/* No reply of the server's own to judge by: it could not be reached, or
	 * the connection broke before it accepted the message. */
	return "down";
}

static void send_one(CURL *h, const char *data, size_t len, struct curl_slist *rcpt)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	upload_t u = { data, len };
	const char *kind;
	long code = 0;
	CURLcode rc;

	last_reply[0] = refusal[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK && refusal[0])
		code = strtol(refusal, NULL, 10);
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	kind = classify(rc, code);
	if (rc == CURLE_OK)
		printf("%s %ld %s\n", kind, code, last_reply);
	else if (refusal[0])
		printf("%s %ld %s\n", kind, code, refusal);
	else
		printf("%s %ld %s\n", kind, code, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	fflush(stdout);
}

/* "mail LEN", "rcpt ADDR"..., "data", then LEN bytes. */
static int serve(CURL *h)
{
	char line[600], *data;
	size_t len;

	while (read_line(line, sizeof line)) {
		struct curl_slist *rcpt = NULL;

		if (sscanf(line, "mail %zu", &len) != 1 || len > 64u << 20)
			return 2;
		while (read_line(line, sizeof line) && strncmp(line, "rcpt ", 5) == 0) {
			char addr[sizeof line + 2];

			snprintf(addr, sizeof addr, "<%s>", line + 5);
			rcpt = curl_slist_append(rcpt, addr);
		}
		if (strcmp(line, "data") != 0 || !(data = malloc(len ? len : 1)) ||
		    fread(data, 1, len, stdin) != len) {
			curl_slist_free_all(rcpt);
			return 2;
		}
		send_one(h, data, len, rcpt);
		free(data);
		curl_slist_free_all(rcpt);
	}
	return 0;
}

int main(void)
{
	char errbuf[CURL_ERROR_SIZE];
	settings_t s;
	CURL *h;
	int rc;

	if (!read_settings(&s)) {
		fputs("down 0 the mail transport got no usable settings\n", stdout);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(h = connect_handle(&s, errbuf))) {
		fputs("down 0 cannot start libcurl\n", stdout);
		return 2;
	}
	rc = serve(h);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	memset(&s, 0, sizeof s);
	return rc;
}
