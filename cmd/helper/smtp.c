/*
 * servicer-smtp - the mail transport of servicer closeout --send.
 *
 * Not run by people: servicer starts it, writes the server's settings and
 * then one message at a time on standard input, and reads the answer to
 * each on standard output (the protocol is described in lib/transport.c).
 * All messages go over one connection, which libcurl keeps open between
 * transfers.  It lives apart so that only sending loads libcurl and its
 * TLS stack.
 *
 * The first recipient is CITS; the others are copies.  A copy the server
 * refuses is reported and the message still goes to CITS; if CITS itself
 * is refused, the message goes to nobody.
 */
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libcurl 8.2 fixed the spelling of the option. */
#if LIBCURL_VERSION_NUM >= 0x080200
#define RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLOWFAILS
#else
#define RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

typedef struct settings {
	char url[512], user[256], password[512], starttls[16], cainfo[512], from[260];
	long timeout;
} settings_t;

/* What one message met on the wire, as the debug callback saw it. */
typedef struct attempt {
	const char *p; /* the message, what is left of it */
	size_t left;
	bool handed_over;  /* libcurl took the message's last byte */
	bool end_answered; /* and a reply came after it */
	bool in_rcpt;	   /* the last command was RCPT */
	size_t rcpts;	   /* RCPT commands sent */
	char rcpt[300];	   /* the address of the last one */
	char last_reply[512];
	char refusal[512];    /* the first 4xx/5xx, CITS's RCPT included */
	char to_refusal[512]; /* CITS's own RCPT refused */
} attempt_t;

static void copy_line(char *dst, size_t len, const char *src, size_t n)
{
	n = n < len - 1 ? n : len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	dst[strcspn(dst, "\r\n")] = '\0';
}

static void on_command(attempt_t *a, const char *data, size_t size)
{
	a->in_rcpt = size > 9 && strncmp(data, "RCPT TO:<", 9) == 0;
	if (a->in_rcpt) {
		const char *end = memchr(data + 9, '>', size - 9);

		copy_line(a->rcpt, sizeof a->rcpt, data + 9, end ? (size_t)(end - data - 9) : 0);
		a->rcpts++;
	}
}

static void on_reply(attempt_t *a, const char *data, size_t size)
{
	bool refused;

	copy_line(a->last_reply, sizeof a->last_reply, data, size);
	refused = a->last_reply[0] == '4' || a->last_reply[0] == '5';
	if (a->handed_over)
		a->end_answered = true;
	if (refused && a->in_rcpt && a->rcpts > 1) {
		/* A copy refused: said now, not held against the message. */
		printf("refused %s %s\n", a->rcpt, a->last_reply);
		return;
	}
	if (refused && a->in_rcpt && !a->to_refusal[0])
		memcpy(a->to_refusal, a->last_reply, sizeof a->to_refusal);
	if (refused && !a->refusal[0])
		memcpy(a->refusal, a->last_reply, sizeof a->refusal);
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
	(void)h;
	if (type == CURLINFO_HEADER_OUT)
		on_command(ctx, data, size);
	else if (type == CURLINFO_HEADER_IN && size > 0)
		on_reply(ctx, data, size);
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *ctx)
{
	attempt_t *a = ctx;
	size_t n = size * nitems < a->left ? size * nitems : a->left;

	/* With CITS refused, a copy alone must not get the message. */
	if (a->to_refusal[0])
		return CURL_READFUNC_ABORT;
	memcpy(buf, a->p, n);
	a->p += n;
	a->left -= n;
	/* libcurl asks no more once it has the size it was told. */
	if (a->left == 0)
		a->handed_over = true;
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

static CURL *connect_handle(const settings_t *s)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, RCPT_ALLOWFAILS, 1L);
	/* smtp.timeout bounds every wait: connecting, each reply (libcurl's
	 * own default for a reply is 120 s), and the whole message. */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, s->timeout);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, s->timeout);
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

/* A failure no retry can mend: the setting that does, or NULL. */
static const char *config_setting(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return "smtp.cainfo";
	case CURLE_USE_SSL_FAILED:
		return "smtp.starttls";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return "smtp.url";
	default:
		return NULL;
	}
}

static const char *by_code(const char *reply)
{
	return reply[0] == '5' ? "perm" : "temp";
}

/* The answer to one message: "KIND CODE TEXT". */
static void answer(CURL *h, CURLcode rc, const attempt_t *a, const char *errbuf)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	long code = 0;

	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		printf("sent %ld %s\n", code, a->last_reply);
	else if (a->to_refusal[0])
		printf("%s %.3s %s\n", by_code(a->to_refusal), a->to_refusal, a->to_refusal);
	else if (rc == CURLE_LOGIN_DENIED)
		printf("auth %.3s %s\n", a->refusal[0] ? a->refusal : "535",
		       a->refusal[0] ? a->refusal : why);
	else if (config_setting(rc))
		printf("config 0 %s %s\n", config_setting(rc), why);
	else if (a->refusal[0])
		printf("%s %.3s %s\n", by_code(a->refusal), a->refusal, a->refusal);
	else if (a->handed_over && !a->end_answered)
		printf("unknown 0 no reply to the message's end: %s\n", why);
	else
		printf("down 0 %s\n", why);
	fflush(stdout);
}

static void send_one(CURL *h, const char *data, size_t len, struct curl_slist *rcpt)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	attempt_t a = { .p = data, .left = len };
	CURLcode rc;

	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &a);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READDATA, &a);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(h);
	answer(h, rc, &a, errbuf);
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
	settings_t s;
	CURL *h;
	int rc;

	if (!read_settings(&s)) {
		fputs("down 0 the mail transport got no usable settings\n", stdout);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(h = connect_handle(&s))) {
		fputs("down 0 cannot start libcurl\n", stdout);
		return 2;
	}
	rc = serve(h);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	memset(&s, 0, sizeof s);
	return rc;
}
