/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the cluster description loader: any byte string
 * must parse, validate and (when valid) print without a crash, leak or
 * undefined behaviour, and a valid description must print to a fixed point.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct spec_problems problems = {0};
        struct spec *s = NULL;

        if (spec_parse((const char *)data, size, &s, &problems) < 0)
                abort();
        if (s && spec_validate(s, &problems) < 0)
                abort();

        if (s && problems.n == 0) {
                json_object *o = NULL, *o2 = NULL;
                struct spec *s2 = NULL;
                if (spec_to_json(s, &o) < 0)
                        abort();
                const char *text = json_object_to_json_string(o);
                if (spec_parse(text, strlen(text), &s2, &problems) < 0 || !s2 ||
                    spec_validate(s2, &problems) < 0 || problems.n != 0)
                        abort(); /* the normalised form of a valid description is valid */
                if (spec_to_json(s2, &o2) < 0 || strcmp(text, json_object_to_json_string(o2)) != 0)
                        abort(); /* and normalising it again changes nothing */
                json_object_put(o);
                json_object_put(o2);
                spec_free(s2);
        }

        spec_problems_clear(&problems);
        spec_free(s);
        return 0;
}
