/* fuzz_meter.c - the meter import reads any bytes safely; a dry run
 * applies nothing. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	svc_db_t *db = fuzz_db();
	svc_import_opts_t opts = { .version = SVC_IMPORT_OPTS_VERSION, .flags = SVC_IMPORT_DRY_RUN };
	svc_import_summary_t sum;
	FILE *in;

	if (size == 0 || !(in = fmemopen((void *)data, size, "r")))
		return 0;
	opts.reject = fopen("/dev/null", "w");
	if (svc_meter_import(db, in, &opts, &sum) == SVC_OK) {
		FUZZ_CHECK(sum.rejected <= sum.rows, "no more rejections than rows");
		FUZZ_CHECK(!sum.applied, "a dry run applies nothing");
	}
	fclose(in);
	if (opts.reject)
		fclose(opts.reject);
	return 0;
}
