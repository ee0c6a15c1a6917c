/*
 * bench_regmap FILE BAR_SIZE [ROUNDS]: how long regmap_load takes to read,
 * check and index a description (the model side of an attach), the best
 * and the median of ROUNDS (default 5), and one lookup's cost, averaged
 * over every register name. Figures, not a test: tests/bench/regmap.sh.
 */
#include "regmap/regmap.h"

#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct regmap_place place = { .bar = 2 };
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	gint64 *us;
	struct regmap *map = NULL;
	GError *err = NULL;
	gint64 t0;
	unsigned lookups = 0;

	if (argc < 3 || rounds < 1) {
		fprintf(stderr, "usage: bench_regmap FILE BAR_SIZE [ROUNDS]\n");
		return 2;
	}
	place.bar_size = strtoull(argv[2], NULL, 0);
	us = g_new(gint64, rounds);
	for (int i = 0; i < rounds; i++) {
		regmap_free(map);
		t0 = g_get_monotonic_time();
		map = regmap_load(argv[1], &place, &err);
		us[i] = g_get_monotonic_time() - t0;
		if (!map) {
			fprintf(stderr, "bench_regmap: %s\n", err->message);
			return 1;
		}
	}
	qsort(us, rounds, sizeof(*us), cmp);
	t0 = g_get_monotonic_time();
	for (int k = 0; k < 10; k++)
		for (guint i = 0; i < map->regs->len; i++)
			lookups += regmap_lookup(map, ((struct regmap_register *)map->regs->pdata[i])->path) != NULL;
	printf("regmap load: %u registers, best %.1f ms, median %.1f ms of %d; lookup %.0f ns\n",
	       map->regs->len, us[0] / 1000.0, us[rounds / 2] / 1000.0, rounds,
	       (g_get_monotonic_time() - t0) * 1000.0 / lookups);
	regmap_free(map);
	g_free(us);
	return 0;
}
