/*
 * demo_data.h — the static tables `liudong demo` builds its database from:
 * Jinan's twelve county-level units with their police bureaus and a few
 * roads, three to five real streets and towns (街道/镇) of each, invented
 * but plausible communities and villages under them, and the name, address
 * and employer material for synthetic residents.
 *
 * Only data lives here; cmd_demo.c decides how it is combined. Nothing here
 * is an authoritative list: the district and street names are real, the
 * communities, villages, companies and house numbers are made up.
 */
#ifndef LD_DEMO_DATA_H
#define LD_DEMO_DATA_H

#include <stddef.h>
#include <stdint.h>

struct demo_district {
	int32_t code;	    /* GB/T 2260 */
	const char *name;   /* "历下区" */
	const char *bureau; /* public security bureau, "济南市公安局历下分局" */
	const char *roads;  /* space-separated road names for addresses */
};

struct demo_street {
	int32_t district;	 /* code of its demo_district */
	const char *name;	 /* "解放路街道", "东阿镇" */
	const char *communities; /* space-separated: "…社区" or "…村" */
};

/* A string with a relative weight, for weighted picks. */
struct demo_weighted {
	const char *s;
	int w;
};

extern const struct demo_district demo_districts[];
extern const size_t demo_district_count;
extern const struct demo_street demo_streets[];
extern const size_t demo_street_count;

extern const struct demo_weighted demo_surnames[];
extern const size_t demo_surname_count;

/* Characters of given names: mostly male, mostly female, either. */
extern const char *const demo_given_male[];
extern const size_t demo_given_male_count;
extern const char *const demo_given_female[];
extern const size_t demo_given_female_count;
extern const char *const demo_given_neutral[];
extern const size_t demo_given_neutral_count;

/* Pieces of hukou addresses elsewhere: road names, village endings. */
extern const char *const demo_hukou_roads[];
extern const size_t demo_hukou_road_count;
extern const char *const demo_village_endings[];
extern const size_t demo_village_ending_count;

/* Employers of people who came to work (invented names). */
extern const char *const demo_employers[];
extern const size_t demo_employer_count;

/* Reasons for residing, housing kinds, ethnicities and departure
 * reporters with weights; codes from catalog.h. */
extern const struct demo_weighted demo_reasons[];
extern const size_t demo_reason_count;
extern const struct demo_weighted demo_housing[];
extern const size_t demo_housing_count;
extern const struct demo_weighted demo_ethnicities[];
extern const size_t demo_ethnicity_count;
extern const struct demo_weighted demo_reporters[];
extern const size_t demo_reporter_count;

/* Province prefixes (first two digits) most migrants to Jinan come from. */
extern const int demo_neighbour_provinces[];
extern const size_t demo_neighbour_province_count;

#endif
