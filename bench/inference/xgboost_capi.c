// xgboost's own C API on the same model and rows as InferenceBench: ns/row at batch 1, 64 and 10,000 through
// XGBoosterPredictFromDense (the call inplace_predict makes, minus Python), one thread, best of 15 passes.
// The wheel ships libxgboost.so without headers, so the few prototypes are declared here (c_api.h, xgboost >= 2).
// Prints one JSON object for run.py.
//
//     xgboost_capi <model.json> <rows.f64> <featureCount>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void *BoosterHandle;
typedef void *DMatrixHandle;
typedef uint64_t bst_ulong;
int XGBoosterCreate(const DMatrixHandle dmats[], bst_ulong len, BoosterHandle *out);
int XGBoosterLoadModel(BoosterHandle handle, const char *fname);
int XGBoosterSetParam(BoosterHandle handle, const char *name, const char *value);
int XGBoosterPredictFromDense(BoosterHandle handle, const char *values, const char *config, DMatrixHandle m,
                              const bst_ulong **out_shape, bst_ulong *out_dim, const float **out_result);
const char *XGBGetLastError(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void check(int status) {
    if (status != 0) {
        fprintf(stderr, "xgboost: %s\n", XGBGetLastError());
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: xgboost_capi model.json rows.f64 features\n");
        return 2;
    }
    long features = atol(argv[3]);
    FILE *file = fopen(argv[2], "rb");
    if (!file) return 1;
    fseek(file, 0, SEEK_END);
    long count = ftell(file) / 8;
    fseek(file, 0, SEEK_SET);
    double *rows = malloc(count * 8);
    if (fread(rows, 8, count, file) != (size_t)count) return 1;
    fclose(file);
    long rowCount = count / features;

    BoosterHandle booster;
    check(XGBoosterCreate(NULL, 0, &booster));
    check(XGBoosterLoadModel(booster, argv[1]));
    check(XGBoosterSetParam(booster, "nthread", "1"));
    const char *config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
                         "\"strict_shape\": false, \"missing\": NaN}";
    long batches[] = {1, 64, 10000};
    printf("{");
    for (int b = 0; b < 3; b++) {
        double best = INFINITY;
        for (int pass = 0; pass < 15; pass++) {
            double start = now();
            for (long offset = 0; offset < rowCount; offset += batches[b]) {
                long n = rowCount - offset < batches[b] ? rowCount - offset : batches[b];
                char values[256];
                snprintf(values, sizeof values,
                         "{\"data\": [%lu, true], \"shape\": [%ld, %ld], \"typestr\": \"<f8\", \"version\": 3}",
                         (unsigned long)(uintptr_t)(rows + offset * features), n, features);
                const bst_ulong *shape;
                bst_ulong dims;
                const float *result;
                check(XGBoosterPredictFromDense(booster, values, config, NULL, &shape, &dims, &result));
            }
            double elapsed = now() - start;
            if (elapsed < best) best = elapsed;
        }
        printf("%s\"ns_per_row_batch_%ld\": %.1f", b ? ", " : "", batches[b], best / rowCount * 1e9);
    }
    printf("}\n");
    return 0;
}
