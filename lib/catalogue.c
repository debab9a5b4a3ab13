/* catalogue.c - the models this dealer can service. */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

static svc_status_t check_model_name(svc_db_t *db, const char *model)
{
	char err[128];

	if (svc__blank(model))
		return svc__error(db, SVC_EINVAL, "model name is empty");
	if (!svc__text_ok(model, SVC_MODEL_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "model name '%s' %s", model, err);
	if (model[0] == ' ' || model[strlen(model) - 1] == ' ')
		return svc__error(db, SVC_EINVAL,
				  "model name '%s' starts or ends with a space", model);
	return SVC_OK;
}

static void model_json(svc_buf_t *b, const char *model, int warranty, int response)
{
	svc__json_field(b, "model", model);
	svc__json_int(b, "warranty_months", warranty);
	if (response > 0)
		svc__json_int(b, "response_hours", response);
	else
		svc__json_field(b, "response_hours", NULL);
}

/* Existing terms of MODEL, if any: *FOUND false when it is not there. */
static svc_status_t model_terms(svc_db_t *db, const char *model, bool *found,
				char name[SVC_MODEL_MAX * 4 + 1], int *warranty,
				int *response)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	*found = false;
	rc = svc__prepare(db, "SELECT model, warranty_months, response_hours"
			      " FROM model WHERE model = ?", &st);
	if (rc != SVC_OK)
		return rc;
	svc__bind_text(st, 1, model);
	step = svc__step(st);
	if (step == SVC__ROW) {
		*found = true;
		snprintf(name, SVC_MODEL_MAX * 4 + 1, "%s", svc__col_text(st, 0));
		*warranty = svc__col_int(st, 1);
		*response = svc__col_int(st, 2);
	} else if (step != SVC__DONE) {
		rc = svc__sqlerr(db, "read the catalogue");
	}
	svc__finalize(st);
	return rc;
}

static svc_status_t check_terms(svc_db_t *db, const char *model, int warranty,
				int response)
{
	if (warranty > 240)
		return svc__error(db, SVC_EINVAL,
				  "cannot add model '%s': warranty months %d is out of range 0-240",
				  model, warranty);
	if (response == 0 || response > 720)
		return svc__error(db, SVC_EINVAL,
				  "cannot add model '%s': response hours %d is out of range 1-720",
				  model, response);
	return SVC_OK;
}

static svc_status_t write_model(svc_db_t *db, bool found, const char *name,
				int warranty, int response)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	char now[21];

	rc = svc__prepare(db, found ? "UPDATE model SET warranty_months = ?1,"
				      " response_hours = ?2 WHERE model = ?3"
				    : "INSERT INTO model(warranty_months, response_hours,"
				      " model, added_at) VALUES(?1, ?2, ?3, ?4)", &st);
	if (rc != SVC_OK)
		return rc;
	svc__now(now);
	svc__bind_int(st, 1, warranty);
	if (response > 0)
		svc__bind_int(st, 2, response);
	svc__bind_text(st, 3, name);
	if (!found)
		svc__bind_text(st, 4, now);
	rc = svc__step_done(db, st, "write the catalogue");
	svc__finalize(st);
	return rc;
}

svc_status_t svc_model_add(svc_db_t *db, const char *model, int warranty_months,
			   int response_hours, svc_change_t *change)
{
	char name[SVC_MODEL_MAX * 4 + 1];
	svc_buf_t before = { 0 }, after = { 0 }, object = { 0 };
	int old_w = 0, old_r = 0, w, r;
	bool found;
	svc_status_t rc;

	if (change)
		*change = SVC_CHANGE_NONE;
	if ((rc = check_model_name(db, model)) != SVC_OK ||
	    (rc = check_terms(db, model, warranty_months, response_hours)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CATALOGUE_CHANGE, "change the catalogue")) != SVC_OK)
		return rc;
	if ((rc = model_terms(db, model, &found, name, &old_w, &old_r)) != SVC_OK)
		return svc__finish(db, rc);
	if (!found)
		snprintf(name, sizeof name, "%s", model);
	w = warranty_months >= 0 ? warranty_months
		: found ? old_w : SVC_DEFAULT_WARRANTY_MONTHS;
	r = response_hours >= 0 ? response_hours : found ? old_r : 0;
	if (found && w == old_w && r == old_r)
		return svc__finish(db, SVC_OK);
	svc__buf_printf(&object, "model %s", name);
	if (found)
		model_json(&before, name, old_w, old_r);
	model_json(&after, name, w, r);
	rc = write_model(db, found, name, w, r);
	if (rc == SVC_OK)
		rc = svc__audit(db, found ? "update" : "add", svc__buf_str(&object),
				found ? svc__buf_str(&before) : NULL, svc__buf_str(&after));
	if (rc == SVC_OK && change)
		*change = found ? SVC_CHANGE_UPDATED : SVC_CHANGE_NEW;
	svc__buf_free(&before);
	svc__buf_free(&after);
	svc__buf_free(&object);
	return svc__finish(db, rc);
}

static svc_status_t count_devices(svc_db_t *db, const char *model, long long *n)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	rc = svc__prepare(db, "SELECT count(*) FROM device WHERE model = ?", &st);
	if (rc != SVC_OK)
		return rc;
	svc__bind_text(st, 1, model);
	if (svc__row(db, st, &rc))
		*n = svc__col_i64(st, 0);
	svc__finalize(st);
	return rc;
}

svc_status_t svc_model_remove(svc_db_t *db, const char *model)
{
	char name[SVC_MODEL_MAX * 4 + 1];
	svc_buf_t before = { 0 }, object = { 0 };
	svc__stmt_t *st = NULL;
	int w = 0, r = 0;
	long long n = 0;
	bool found;
	svc_status_t rc;

	if ((rc = check_model_name(db, model)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CATALOGUE_CHANGE, "change the catalogue")) != SVC_OK)
		return rc;
	if ((rc = model_terms(db, model, &found, name, &w, &r)) != SVC_OK)
		goto out;
	if (!found) {
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot remove model '%s': it is not in the catalogue; see 'servicer model list'",
				model);
		goto out;
	}
	if ((rc = count_devices(db, name, &n)) != SVC_OK)
		goto out;
	if (n > 0) {
		rc = svc__error(db, SVC_ERULE,
				"cannot remove model '%s': %lld device%s registered under it",
				name, n, n == 1 ? " is" : "s are");
		goto out;
	}
	if ((rc = svc__prepare(db, "DELETE FROM model WHERE model = ?", &st)) != SVC_OK)
		goto out;
	svc__bind_text(st, 1, name);
	rc = svc__step_done(db, st, "remove the model");
	svc__buf_printf(&object, "model %s", name);
	model_json(&before, name, w, r);
	if (rc == SVC_OK)
		rc = svc__audit(db, "remove", svc__buf_str(&object), svc__buf_str(&before), NULL);
out:
	svc__finalize(st);
	svc__buf_free(&before);
	svc__buf_free(&object);
	return svc__finish(db, rc);
}

svc_status_t svc_model_list(svc_db_t *db, svc_model_cb cb, void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_CATALOGUE_READ, "list the catalogue")) != SVC_OK)
		return rc;
	rc = svc__prepare(db, "SELECT m.model, m.warranty_months, m.response_hours,"
			      " (SELECT count(*) FROM device d WHERE d.model = m.model)"
			      " FROM model m ORDER BY m.model", &st);
	if (rc != SVC_OK)
		return rc;
	while ((step = svc__step(st)) == SVC__ROW) {
		svc_model_t m = {
			svc__col_text(st, 0),
			svc__col_int(st, 1),
			svc__col_int(st, 2),
			svc__col_i64(st, 3),
		};
		if (cb(&m, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "list the catalogue");
	svc__finalize(st);
	return rc;
}
