/* gazetteer.h - the entities stage's word lists (config/entities/): a read-only hash table
 * from lower-cased words or phrases to category bits, built once in init and shared by all
 * transform threads.
 */
#ifndef NF_ENT_GAZETTEER_H
#define NF_ENT_GAZETTEER_H

#include <stddef.h>

#define NF_GAZ_FIRST 0x01   /* first_names.txt: given names, East Asian family names */
#define NF_GAZ_TITLE 0x02   /* titles.txt: President, Dr. - precede a PERSON */
#define NF_GAZ_ORGSUF 0x04  /* org_suffixes.txt: Agency, Ministry, Corp - end an ORG */
#define NF_GAZ_ORG 0x08     /* orgs.txt: known organisations */
#define NF_GAZ_LOC 0x10     /* locations.txt: countries, regions, cities */
#define NF_GAZ_DEMONYM 0x20 /* demonyms.txt: Russian, Korean - MISC */
#define NF_GAZ_MISC 0x40    /* misc.txt: events and other MISC names */
#define NF_GAZ_STOP 0x80    /* stopwords.txt: never a name on their own */
#define NF_GAZ_MISCSUF 0x100 /* misc_suffixes.txt: Open, Cup, Prize - end a MISC name */
#define NF_GAZ_LOCSUF 0x200  /* loc_suffixes.txt: Street, Airport - end a LOC name */

#define NF_GAZ_KEY_MAX 128 /* longest entry, bytes */

struct nf_ent_gaz;

/* Load every list from directory dir (the files named above; a missing file is an error).
 * Lines are trimmed, '#' starts a comment, entries are lower-cased (ASCII and Latin-1) and
 * inner whitespace collapsed to one space. Returns 0 and *out, or NF_ERR_IO / NF_ERR_NOMEM /
 * NF_ERR_LIMIT with errstr naming file:line. */
int nf_ent_gaz_load(const char *dir, struct nf_ent_gaz **out, char *errstr, size_t errstr_size);
void nf_ent_gaz_destroy(struct nf_ent_gaz *g);

/* Category bits of an already lower-cased key of n bytes (0 if absent). */
unsigned nf_ent_gaz_get(const struct nf_ent_gaz *g, const char *key, size_t n);
/* Number of entries (for tests and logging). */
size_t nf_ent_gaz_size(const struct nf_ent_gaz *g);

#endif
