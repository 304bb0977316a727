/*
 * settings.h — the readings of the law an operator chooses, where the texts
 * leave a point open (docs/rules.md). Both the command line and the server
 * pass one of these to every rule that depends on it, so the two never
 * read the law differently.
 */
#ifndef LD_SETTINGS_H
#define LD_SETTINGS_H

#include <stdbool.h>

#include "date.h"

typedef struct {
	/* docs/rules.md's default reads "之日前1个月内" (条例 第十条) as excluding
	 * the anniversary day itself; true counts it into the window. */
	bool anniversary_in_window;
	/* The Jinan notice (通知) is a draft for comment whose effective date
	 * is blank ("本通知自2025年 月 日起施行"). Until an operator gives
	 * the date it took effect, decisions cite the notice then in force
	 * (the 2023 one); from that date on, the items of the 2025 text. */
	bool notice_in_force;
	ld_day notice_effective;
} ld_rules_settings;

/* The defaults: anniversary not in the window; the 2025 notice not in
 * force. */
#define LD_RULES_DEFAULTS ((ld_rules_settings){false, false, 0})

#endif
