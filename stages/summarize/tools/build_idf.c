/* build_idf.c - newsflow-build-idf: builds the document-frequency table the summarize stage loads
 * (config/summarize/idf.tsv) from JSONL training text, with the stage's own tokenizer and
 * stopword list, so the table's terms are exactly the stage's terms. See README.md here.
 *
 *   newsflow-build-idf [-s STOPWORDS] [-m MIN_DF] < train.jsonl > idf.tsv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../idf.h"
#include "../lexicon.h"

#ifndef NF_SUMMARIZE_DEFAULT_STOPWORDS
#define NF_SUMMARIZE_DEFAULT_STOPWORDS "config/summarize/stopwords.txt" /* from the repo root */
#endif

int main(int argc, char **argv)
{
    const char *stop_path = NF_SUMMARIZE_DEFAULT_STOPWORDS;
    unsigned long min_df = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            stop_path = argv[++i];
        } else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
            char *end;
            min_df = strtoul(argv[++i], &end, 10);
            if (*end || min_df == 0 || min_df > 1000000) {
                fprintf(stderr, "newsflow-build-idf: -m wants a count >= 1\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: newsflow-build-idf [-s STOPWORDS] [-m MIN_DF] "
                            "< train.jsonl > idf.tsv\n");
            return 2;
        }
    }
    char err[512] = "";
    struct nf_lex_table stop = {0};
    size_t ndocs = 0;
    size_t nterms = 0;
    int rc = nf_lex_load_stopwords(stop_path, &stop, err, sizeof(err));
    if (rc == 0) {
        printf("# document frequencies for the summarize stage, built by newsflow-build-idf\n"
               "# (min df %lu); provenance: config/summarize/README.md\n",
               min_df);
        rc = nf_idf_build(stdin, stdout, &stop, (uint32_t)min_df, (size_t)64 << 20, &ndocs, &nterms,
                          err, sizeof(err));
    }
    nf_lex_table_free(&stop);
    if (rc != 0) {
        fprintf(stderr, "newsflow-build-idf: %s\n", err);
        return 1;
    }
    fprintf(stderr, "newsflow-build-idf: %zu documents, %zu terms with df >= %lu\n", ndocs, nterms,
            min_df);
    return 0;
}
