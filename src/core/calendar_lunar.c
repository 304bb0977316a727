/*
 * calendar_lunar.c — new moons, solar terms and the months of the lunar
 * calendar (sources and accuracy in calendar_lunar.h).
 *
 * Not for: holidays (calendar_statutory.c) or working days (calendar.c).
 */
#include "calendar_lunar.h"

#include <math.h>
#include <stddef.h>

#define PI 3.14159265358979323846
#define RAD(x) ((x) * (PI / 180.0))
#define J2000 2451545.0	 /* 2000-01-01 12:00 TT */
#define JD_1970 2440587.5 /* 1970-01-01 00:00 UT: ld_day 0 */
#define SYNODIC 29.530588861

/* ---- time scales ---------------------------------------------------- */

/* TT - UT in seconds for a decimal year: Espenak & Meeus (2006), the
 * polynomials of "Five Millennium Canon of Solar Eclipses". */
static double delta_t(double y)
{
	double t;
	if (y < 1920) {
		t = y - 1900;
		return -2.79 + 1.494119 * t - 0.0598939 * t * t +
		       0.0061966 * t * t * t - 0.000197 * t * t * t * t;
	}
	if (y < 1941) {
		t = y - 1920;
		return 21.20 + 0.84493 * t - 0.076100 * t * t +
		       0.0020936 * t * t * t;
	}
	if (y < 1961) {
		t = y - 1950;
		return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
	}
	if (y < 1986) {
		t = y - 1975;
		return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
	}
	if (y < 2005) {
		t = y - 2000;
		return 63.86 + 0.3345 * t - 0.060374 * t * t +
		       0.0017275 * t * t * t + 0.000651814 * t * t * t * t +
		       0.00002373599 * t * t * t * t * t;
	}
	if (y < 2050) {
		t = y - 2000;
		return 62.92 + 0.32217 * t + 0.005589 * t * t;
	}
	double u = (y - 1820) / 100;
	if (y < 2150)
		return -20 + 32 * u * u - 0.5628 * (2150 - y);
	return -20 + 32 * u * u;
}

/* The Beijing (UTC+8) day of an instant given in Julian Ephemeris Days. */
static ld_day beijing_day(double jde)
{
	double year = 2000.0 + (jde - J2000) / 365.25;
	double jd_ut = jde - delta_t(year) / 86400.0;
	return (ld_day)floor(jd_ut + 8.0 / 24.0 - JD_1970);
}

/* ---- the Sun -------------------------------------------------------- */

struct term {
	double a, b, c;
};

/* VSOP87 for the Earth, truncated as in Meeus, Appendix III: L0..L5,
 * B0..B1, R0..R4 (amplitudes in 1e-8 radians or AU). */
static const struct term L0[] = {
	{175347046, 0, 0},
	{3341656, 4.6692568, 6283.0758500},
	{34894, 4.62610, 12566.15170},
	{3497, 2.7441, 5753.3849},
	{3418, 2.8289, 3.5231},
	{3136, 3.6277, 77713.7715},
	{2676, 4.4181, 7860.4194},
	{2343, 6.1352, 3930.2097},
	{1324, 0.7425, 11506.7698},
	{1273, 2.0371, 529.6910},
	{1199, 1.1096, 1577.3435},
	{990, 5.233, 5884.927},
	{902, 2.045, 26.298},
	{857, 3.508, 398.149},
	{780, 1.179, 5223.694},
	{753, 2.533, 5507.553},
	{505, 4.583, 18849.228},
	{492, 4.205, 775.523},
	{357, 2.920, 0.067},
	{317, 5.849, 11790.629},
	{284, 1.899, 796.298},
	{271, 0.315, 10977.079},
	{243, 0.345, 5486.778},
	{206, 4.806, 2544.314},
	{205, 1.869, 5573.143},
	{202, 2.458, 6069.777},
	{156, 0.833, 213.299},
	{132, 3.411, 2942.463},
	{126, 1.083, 20.775},
	{115, 0.645, 0.980},
	{103, 0.636, 4694.003},
	{102, 0.976, 15720.839},
	{102, 4.267, 7.114},
	{99, 6.21, 2146.17},
	{98, 0.68, 155.42},
	{86, 5.98, 161000.69},
	{85, 1.30, 6275.96},
	{85, 3.67, 71430.70},
	{80, 1.81, 17260.15},
	{79, 3.04, 12036.46},
	{75, 1.76, 5088.63},
	{74, 3.50, 3154.69},
	{74, 4.68, 801.82},
	{70, 0.83, 9437.76},
	{62, 3.98, 8827.39},
	{61, 1.82, 7084.90},
	{57, 2.78, 6286.60},
	{56, 4.39, 14143.50},
	{56, 3.47, 6279.55},
	{52, 0.19, 12139.55},
	{52, 1.33, 1748.02},
	{51, 0.28, 5856.48},
	{49, 0.49, 1194.45},
	{41, 5.37, 8429.24},
	{41, 2.40, 19651.05},
	{39, 6.17, 10447.39},
	{37, 6.04, 10213.29},
	{37, 2.57, 1059.38},
	{36, 1.71, 2352.87},
	{36, 1.78, 6812.77},
	{33, 0.59, 17789.85},
	{30, 0.44, 83996.85},
	{30, 2.74, 1349.87},
	{25, 3.16, 4690.48},
};
static const struct term L1[] = {
	{628331966747.0, 0, 0},
	{206059, 2.678235, 6283.075850},
	{4303, 2.6351, 12566.1517},
	{425, 1.590, 3.523},
	{119, 5.796, 26.298},
	{109, 2.966, 1577.344},
	{93, 2.59, 18849.23},
	{72, 1.14, 529.69},
	{68, 1.87, 398.15},
	{67, 4.41, 5507.55},
	{59, 2.89, 5223.69},
	{56, 2.17, 155.42},
	{45, 0.40, 796.30},
	{36, 0.47, 775.52},
	{29, 2.65, 7.11},
	{21, 5.34, 0.98},
	{19, 1.85, 5486.78},
	{19, 4.97, 213.30},
	{17, 2.99, 6275.96},
	{16, 0.03, 2544.31},
	{16, 1.43, 2146.17},
	{15, 1.21, 10977.08},
	{12, 2.83, 1748.02},
	{12, 3.26, 5088.63},
	{12, 5.27, 1194.45},
	{12, 2.08, 4694.00},
	{11, 0.77, 553.57},
	{10, 1.30, 6286.60},
	{10, 4.24, 1349.87},
	{9, 2.70, 242.73},
	{9, 5.64, 951.72},
	{8, 5.30, 2352.87},
	{6, 2.65, 9437.76},
	{6, 4.67, 4690.48},
};
static const struct term L2[] = {
	{52919, 0, 0},
	{8720, 1.0721, 6283.0758},
	{309, 0.867, 12566.152},
	{27, 0.05, 3.52},
	{16, 5.19, 26.30},
	{16, 3.68, 155.42},
	{10, 0.76, 18849.23},
	{9, 2.06, 77713.77},
	{7, 0.83, 775.52},
	{5, 4.66, 1577.34},
	{4, 1.03, 7.11},
	{4, 3.44, 5573.14},
	{3, 5.14, 796.30},
	{3, 6.05, 5507.55},
	{3, 1.19, 242.73},
	{3, 6.12, 529.69},
	{3, 0.31, 398.15},
	{3, 2.28, 553.57},
	{2, 4.38, 5223.69},
	{2, 3.75, 0.98},
};
static const struct term L3[] = {
	{289, 5.844, 6283.076}, {35, 0, 0},	      {17, 5.49, 12566.15},
	{3, 5.20, 155.42},	{1, 4.72, 3.52},      {1, 5.30, 18849.23},
	{1, 5.97, 242.73},
};
static const struct term L4[] = {
	{114, 3.142, 0}, {8, 4.13, 6283.08}, {1, 3.84, 12566.15},
};
static const struct term L5[] = {
	{1, 3.14, 0},
};
static const struct term B0[] = {
	{280, 3.199, 84334.662}, {102, 5.422, 5507.553}, {80, 3.88, 5223.69},
	{44, 3.70, 2352.87},	 {32, 4.00, 1577.34},
};
static const struct term B1[] = {
	{9, 3.90, 5507.55}, {6, 1.73, 5223.69},
};
static const struct term R0[] = {
	{100013989, 0, 0},
	{1670700, 3.0984635, 6283.0758500},
	{13956, 3.05525, 12566.15170},
	{3084, 5.1985, 77713.7715},
	{1628, 1.1739, 5753.3849},
	{1576, 2.8469, 7860.4194},
	{925, 5.453, 11506.770},
	{542, 4.564, 3930.210},
	{472, 3.661, 5884.927},
	{346, 0.964, 5507.553},
	{329, 5.900, 5223.694},
	{307, 0.299, 5573.143},
	{243, 4.273, 11790.629},
	{212, 5.847, 1577.344},
	{186, 5.022, 10977.079},
	{175, 3.012, 18849.228},
	{110, 5.055, 5486.778},
	{98, 0.89, 6069.78},
	{86, 5.69, 15720.84},
	{86, 1.27, 161000.69},
	{65, 0.27, 17260.15},
	{63, 0.92, 529.69},
	{57, 2.01, 83996.85},
	{56, 5.24, 71430.70},
	{49, 3.25, 2544.31},
	{47, 2.58, 775.52},
	{45, 5.54, 9437.76},
	{43, 6.01, 6275.96},
	{39, 5.36, 4694.00},
	{38, 2.39, 8827.39},
	{37, 0.83, 19651.05},
	{37, 4.90, 12139.55},
	{36, 1.67, 12036.46},
	{35, 1.84, 2942.46},
	{33, 0.24, 7084.90},
	{32, 0.18, 5088.63},
	{32, 1.78, 398.15},
	{28, 1.21, 6286.60},
	{28, 1.90, 6279.55},
	{26, 4.59, 10447.39},
};
static const struct term R1[] = {
	{103019, 1.107490, 6283.075850}, {1721, 1.0644, 12566.1517},
	{702, 3.142, 0},		 {32, 1.02, 18849.23},
	{31, 2.84, 5507.55},		 {25, 1.32, 5223.69},
	{18, 1.42, 1577.34},		 {10, 5.91, 10977.08},
	{9, 1.42, 6275.96},		 {9, 0.27, 5486.78},
};
static const struct term R2[] = {
	{4359, 5.7846, 6283.0758}, {124, 5.579, 12566.152},
	{12, 3.14, 0},		   {9, 3.63, 77713.77},
	{6, 1.87, 5573.14},	   {3, 5.47, 18849.23},
};
static const struct term R3[] = {
	{145, 4.273, 6283.076}, {7, 3.92, 12566.15},
};
static const struct term R4[] = {
	{4, 2.56, 6283.08},
};

#define SERIES(t, tau) series(t, sizeof t / sizeof t[0], tau)

static double series(const struct term *t, size_t n, double tau)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += t[i].a * cos(t[i].b + t[i].c * tau);
	return s;
}

/* The Sun's apparent geocentric longitude in degrees, 0..360 (Meeus ch. 25,
 * "higher accuracy"). */
static double sun_longitude(double jde)
{
	double tau = (jde - J2000) / 365250.0;
	double L = (SERIES(L0, tau) +
		    tau * (SERIES(L1, tau) +
			   tau * (SERIES(L2, tau) +
				  tau * (SERIES(L3, tau) +
					 tau * (SERIES(L4, tau) +
						tau * SERIES(L5, tau)))))) /
		   1e8;
	double R = (SERIES(R0, tau) +
		    tau * (SERIES(R1, tau) +
			   tau * (SERIES(R2, tau) +
				  tau * (SERIES(R3, tau) +
					 tau * SERIES(R4, tau))))) /
		   1e8;
	/* B only enters the FK5 correction through tan(beta), below an
	 * arcsecond's hundredth; it is kept for completeness of the series. */
	(void)(SERIES(B0, tau) + tau * SERIES(B1, tau));

	double T = tau * 10.0;
	double theta = L * 180.0 / PI + 180.0;
	theta -= 0.09033 / 3600.0; /* to FK5 */
	/* Nutation in longitude, IAU 1980 main terms (Meeus ch. 22). */
	double omega = RAD(125.04452 - 1934.136261 * T);
	double ls = RAD(280.4665 + 36000.7698 * T);
	double lm = RAD(218.3165 + 481267.8813 * T);
	double dpsi = -17.20 * sin(omega) - 1.32 * sin(2 * ls) -
		      0.23 * sin(2 * lm) + 0.21 * sin(2 * omega);
	theta += dpsi / 3600.0;
	theta -= 20.4898 / 3600.0 / R; /* aberration */
	theta = fmod(theta, 360.0);
	return theta < 0 ? theta + 360.0 : theta;
}

ld_day ld_solar_term_day(int year, int degrees)
{
	/* Start from the mean Sun, counted from that year's March equinox
	 * (Meeus table 27.C, first term), then correct by the Sun's mean
	 * motion until the step is below a millisecond. */
	double before = degrees >= 285 ? degrees - 360.0 : degrees;
	double jde = 2451623.80984 + 365.242374 * (year - 2000) +
		     before / 360.0 * 365.242189;
	for (int i = 0; i < 20; i++) {
		double diff = remainder(degrees - sun_longitude(jde), 360.0);
		double step = diff / 0.98564736;
		jde += step;
		if (fabs(step) < 1e-8)
			break;
	}
	return beijing_day(jde);
}

/* ---- the Moon ------------------------------------------------------- */

/* The instant of new moon number k (k = 0 near 2000-01-06), in JDE:
 * Meeus ch. 49, with the additional (planetary) corrections. */
static double new_moon_jde(double k)
{
	double T = k / 1236.85, T2 = T * T, T3 = T2 * T, T4 = T3 * T;
	double jde = 2451550.09766 + SYNODIC * k + 0.00015437 * T2 -
		     0.000000150 * T3 + 0.00000000073 * T4;
	double E = 1 - 0.002516 * T - 0.0000074 * T2;
	double M = RAD(2.5534 + 29.10535670 * k - 0.0000014 * T2 -
		       0.00000011 * T3);
	double Mp = RAD(201.5643 + 385.81693528 * k + 0.0107582 * T2 +
			0.00001238 * T3 - 0.000000058 * T4);
	double F = RAD(160.7108 + 390.67050284 * k - 0.0016118 * T2 -
		       0.00000227 * T3 + 0.000000011 * T4);
	double O = RAD(124.7746 - 1.56375588 * k + 0.0020672 * T2 +
		       0.00000215 * T3);

	jde += -0.40720 * sin(Mp) + 0.17241 * E * sin(M) +
	       0.01608 * sin(2 * Mp) + 0.01039 * sin(2 * F) +
	       0.00739 * E * sin(Mp - M) - 0.00514 * E * sin(Mp + M) +
	       0.00208 * E * E * sin(2 * M) - 0.00111 * sin(Mp - 2 * F) -
	       0.00057 * sin(Mp + 2 * F) + 0.00056 * E * sin(2 * Mp + M) -
	       0.00042 * sin(3 * Mp) + 0.00042 * E * sin(M + 2 * F) +
	       0.00038 * E * sin(M - 2 * F) - 0.00024 * E * sin(2 * Mp - M) -
	       0.00017 * sin(O) - 0.00007 * sin(Mp + 2 * M) +
	       0.00004 * sin(2 * Mp - 2 * F) + 0.00004 * sin(3 * M) +
	       0.00003 * sin(Mp + M - 2 * F) + 0.00003 * sin(2 * Mp + 2 * F) -
	       0.00003 * sin(Mp + M + 2 * F) + 0.00003 * sin(Mp - M + 2 * F) -
	       0.00002 * sin(Mp - M - 2 * F) - 0.00002 * sin(3 * Mp + M) +
	       0.00002 * sin(4 * Mp);

	static const struct {
		double a0, ak, coef;
	} planets[] = {
		{299.77, 0.107408, 0.000325}, {251.88, 0.016321, 0.000165},
		{251.83, 26.651886, 0.000164}, {349.42, 36.412478, 0.000126},
		{84.66, 18.206239, 0.000110},  {141.74, 53.303771, 0.000062},
		{207.14, 2.453732, 0.000060},  {154.84, 7.306860, 0.000056},
		{34.52, 27.261239, 0.000047},  {207.19, 0.121824, 0.000042},
		{291.34, 1.844379, 0.000040},  {161.72, 24.198154, 0.000037},
		{239.56, 25.513099, 0.000035}, {331.55, 3.592518, 0.000023},
	};
	for (size_t i = 0; i < sizeof planets / sizeof planets[0]; i++) {
		double a = planets[i].a0 + planets[i].ak * k;
		if (i == 0)
			a -= 0.009173 * T2;
		jde += planets[i].coef * sin(RAD(a));
	}
	return jde;
}

/* The number of the mean new moon nearest to the Beijing day d. */
static double lunation_near(ld_day d)
{
	double jd = JD_1970 + d + 0.5 - 8.0 / 24.0;
	return round((jd - 2451550.09766) / SYNODIC);
}

ld_day ld_new_moon_day(ld_day near)
{
	return beijing_day(new_moon_jde(lunation_near(near)));
}

/* The lunation whose new moon is the last on or before day d. */
static double lunation_on_or_before(ld_day d)
{
	double k = lunation_near(d);
	while (beijing_day(new_moon_jde(k)) > d)
		k--;
	while (beijing_day(new_moon_jde(k + 1)) <= d)
		k++;
	return k;
}

/* ---- months --------------------------------------------------------- */

/* The months from the eleventh month that holds the winter solstice of
 * year y - 1 to the one before the next eleventh month. */
struct span {
	int n;		  /* 12 or 13 */
	ld_day start[14]; /* start[n]: the next eleventh month */
	int no[13];
	bool leap[13];
};

static void span_compute(int y, struct span *s)
{
	ld_day ws1 = ld_solar_term_day(y, 270);
	double k = lunation_on_or_before(ld_solar_term_day(y - 1, 270));
	double k_end = lunation_on_or_before(ws1);
	s->n = (int)(k_end - k);
	if (s->n > 13)
		s->n = 13; /* not in this calendar's range; keeps bounds */
	for (int i = 0; i <= s->n; i++) {
		s->start[i] = beijing_day(new_moon_jde(k + i));
		s->leap[i < 13 ? i : 12] = false;
	}

	if (s->n == 13) {
		/* The principal terms after the first solstice: 大寒 (300)
		 * to 冬至 (270) of year y. The first month holding none of
		 * them is the leap month. */
		ld_day zq[12];
		for (int i = 0; i < 12; i++)
			zq[i] = ld_solar_term_day(y, (300 + 30 * i) % 360);
		for (int m = 1; m < 13; m++) {
			bool has = false;
			for (int i = 0; i < 12 && !has; i++)
				has = zq[i] >= s->start[m] &&
				      zq[i] < s->start[m + 1];
			if (!has) {
				s->leap[m] = true;
				break;
			}
		}
	}
	s->no[0] = 11;
	for (int i = 1; i < s->n; i++)
		s->no[i] = s->leap[i] ? s->no[i - 1] : s->no[i - 1] % 12 + 1;
}

/* The index of 正月 in s. */
static int span_first_month(const struct span *s)
{
	for (int i = 0; i < s->n; i++)
		if (s->no[i] == 1 && !s->leap[i])
			return i;
	return 2; /* unreachable for a well-formed span */
}

static bool year_ok(int y)
{
	return y >= LD_LUNAR_MIN_YEAR && y <= LD_LUNAR_MAX_YEAR;
}

ld_day ld_lunar_new_year(int year)
{
	struct span s;
	span_compute(year, &s);
	return s.start[span_first_month(&s)];
}

static ld_day span_day(const struct span *s, int month, int day)
{
	for (int i = span_first_month(s); i < s->n; i++)
		if (s->no[i] == month && !s->leap[i])
			return s->start[i] + day - 1;
	return s->start[0]; /* unreachable: months 1..10 are in every span */
}

bool ld_lunar_festivals(int year, struct ld_lunar_festivals *out)
{
	if (!year_ok(year))
		return false;
	struct span s;
	span_compute(year, &s);
	out->new_year = span_day(&s, 1, 1);
	out->duanwu = span_day(&s, 5, 5);
	out->zhongqiu = span_day(&s, 8, 15);
	return true;
}

bool ld_lunar_to_day(int year, int month, bool leap, int day, ld_day *out)
{
	if (!year_ok(year) || month < 1 || month > 12 || day < 1 || day > 30)
		return false;
	/* Months 1..10 lie in the span of `year`; 11 and 12 (with a leap
	 * eleventh or twelfth) open the span of the next year. */
	struct span s;
	int from, to;
	if (month <= 10) {
		span_compute(year, &s);
		from = span_first_month(&s);
		to = s.n;
	} else {
		span_compute(year + 1, &s);
		from = 0;
		to = span_first_month(&s);
	}
	for (int i = from; i < to; i++) {
		if (s.no[i] != month || s.leap[i] != leap)
			continue;
		if (day > s.start[i + 1] - s.start[i])
			return false;
		*out = s.start[i] + day - 1;
		return true;
	}
	return false;
}

bool ld_lunar_from_day(ld_day d, ld_lunar_date *out)
{
	int y = ld_day_year(d);
	if (!year_ok(y))
		return false;
	/* The span of y starts in November or December of y - 1, so it or
	 * the next one holds d. */
	struct span s;
	span_compute(y, &s);
	if (d >= s.start[s.n])
		span_compute(++y, &s);
	for (int i = 0; i < s.n; i++) {
		if (d < s.start[i] || d >= s.start[i + 1])
			continue;
		out->year = i < span_first_month(&s) ? y - 1 : y;
		out->month = s.no[i];
		out->leap = s.leap[i];
		out->day = (int)(d - s.start[i]) + 1;
		out->month_days = (int)(s.start[i + 1] - s.start[i]);
		return true;
	}
	return false;
}
