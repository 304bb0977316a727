/*
 * division_int.h — the division table in force, shared by division.c (the
 * look-ups) and division_load.c (which installs it). Not for other modules:
 * they call ld_division_records.
 */
#ifndef LD_DIVISION_INT_H
#define LD_DIVISION_INT_H

#include "division.h"

/* The table in force and its length (the length is read only when the
 * table is not the compiled-in one, whose length is ld_division_count). */
extern const struct ld_division_rec *ld_division_current_table;
extern size_t ld_division_current_count;

#endif
