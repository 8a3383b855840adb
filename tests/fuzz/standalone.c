/* tests/fuzz/standalone.c - a main() for a fuzz target built without
 * libFuzzer (gcc, the normal build): run LLVMFuzzerTestOneInput once on
 * each file named, or on every regular file of each directory named
 * (sorted; README* and dot files skipped). A finding aborts, as under
 * libFuzzer; a file that cannot be read is exit status 2.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long nr_inputs;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	do {
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb) {
				fclose(f);
				free(buf);
				fprintf(stderr, "%s: out of memory\n", path);
				return 2;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	fprintf(stderr, "replay %s\n", path);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	nr_inputs++;
	return 0;
}

static int wanted(const struct dirent *d)
{
	return d->d_name[0] != '.' && strncmp(d->d_name, "README", 6);
}

static int run_dir(const char *dir)
{
	struct dirent **list;
	int i, n, ret = 0;

	n = scandir(dir, &list, wanted, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 2;
	}
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && run_file(path))
			ret = 2;
		free(list[i]);
	}
	free(list);
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]))
				ret = 2;
		} else if (run_file(argv[i])) {
			ret = 2;
		}
	}
	printf("replayed %lu inputs without a finding\n", nr_inputs);
	return ret;
}
