/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/ocf.h"
#include "shared/parse.h"
#include "shared/xml.h"

/* The action ocf_main() is running, for ocf_is_probe(). */
static const char *current_action;

static const char *const content_names[_OCF_CONTENT_MAX] = {
    [OCF_CONTENT_STRING] = "string",
    [OCF_CONTENT_INTEGER] = "integer",
    [OCF_CONTENT_BOOLEAN] = "boolean",
};

static const struct ocf_param *find_param(const struct ocf_agent *a, const char *name)
{
        for (size_t i = 0; i < a->n_params; i++)
                if (strcmp(a->params[i].name, name) == 0)
                        return &a->params[i];
        return NULL;
}

static const struct ocf_action *find_action(const struct ocf_agent *a, const char *name)
{
        for (size_t i = 0; i < a->n_actions; i++)
                if (strcmp(a->actions[i].name, name) == 0)
                        return &a->actions[i];
        return NULL;
}

const char *ocf_reskey(const struct ocf_agent *agent, const char *name)
{
        const struct ocf_param *p = find_param(agent, name);
        char var[256];
        const char *v;

        if (!p)
                return NULL;
        if (snprintf(var, sizeof(var), "OCF_RESKEY_%s", name) < (int)sizeof(var)) {
                v = getenv(var);
                if (v && v[0])
                        return v;
        }
        return p->default_value;
}

bool ocf_is_true(const char *value)
{
        return pcmk_value_is_true(value);
}

bool ocf_is_probe(void)
{
        const char *interval = getenv("OCF_RESKEY_CRM_meta_interval");

        return current_action && strcmp(current_action, "monitor") == 0 &&
               (!interval || strcmp(interval, "0") == 0);
}

unsigned ocf_op_timeout_ms(unsigned def)
{
        const char *t = getenv("OCF_RESKEY_CRM_meta_timeout");
        unsigned long v;
        char *end;

        if (!t || !*t)
                return def;
        errno = 0;
        v = strtoul(t, &end, 10);
        if (errno || *end || v == 0 || v > 24ul * 3600 * 1000)
                return def;
        return (unsigned)v;
}

static void put_action(FILE *f, const char *name, unsigned timeout_s, unsigned interval_s,
                       unsigned depth)
{
        fprintf(f, "<action name=\"");
        xml_put_escaped(f, name);
        fprintf(f, "\" timeout=\"%us\"", timeout_s);
        if (interval_s > 0)
                fprintf(f, " interval=\"%us\" depth=\"%u\"", interval_s, depth);
        fprintf(f, " />\n");
}

int ocf_print_metadata(const struct ocf_agent *agent, FILE *f)
{
        fprintf(f, "<?xml version=\"1.0\"?>\n"
                   "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
                   "<resource-agent name=\"");
        xml_put_escaped(f, agent->name);
        fprintf(f, "\" version=\"");
        xml_put_escaped(f, agent->version);
        fprintf(f, "\">\n<version>1.0</version>\n\n<longdesc lang=\"en\">\n");
        xml_put_escaped(f, agent->longdesc);
        fprintf(f, "\n</longdesc>\n<shortdesc lang=\"en\">");
        xml_put_escaped(f, agent->shortdesc);
        fprintf(f, "</shortdesc>\n\n<parameters>\n");

        for (size_t i = 0; i < agent->n_params; i++) {
                const struct ocf_param *p = &agent->params[i];
                fprintf(f, "<parameter name=\"");
                xml_put_escaped(f, p->name);
                fprintf(f, "\" unique=\"%d\" required=\"%d\">\n<longdesc lang=\"en\">\n",
                        p->unique ? 1 : 0, p->required ? 1 : 0);
                xml_put_escaped(f, p->longdesc);
                fprintf(f, "\n</longdesc>\n<shortdesc lang=\"en\">");
                xml_put_escaped(f, p->shortdesc);
                fprintf(f, "</shortdesc>\n<content type=\"%s\"",
                        p->content < _OCF_CONTENT_MAX ? content_names[p->content] : "string");
                if (p->default_value) {
                        fprintf(f, " default=\"");
                        xml_put_escaped(f, p->default_value);
                        fputc('"', f);
                }
                fprintf(f, " />\n</parameter>\n\n");
        }
        fprintf(f, "</parameters>\n\n<actions>\n");

        for (size_t i = 0; i < agent->n_actions; i++) {
                const struct ocf_action *a = &agent->actions[i];
                put_action(f, a->name, a->timeout_s, a->interval_s, a->depth);
        }
        if (!find_action(agent, "meta-data"))
                put_action(f, "meta-data", OCF_META_DATA_TIMEOUT_S, 0, 0);
        if (!find_action(agent, "validate-all"))
                put_action(f, "validate-all", OCF_VALIDATE_TIMEOUT_S, 0, 0);
        fprintf(f, "</actions>\n</resource-agent>\n");

        return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}

void ocf_print_usage(const struct ocf_agent *agent, FILE *f)
{
        fprintf(f, "usage: %s {", agent->name);
        for (size_t i = 0; i < agent->n_actions; i++) {
                const char *name = agent->actions[i].name;
                /* meta-data goes last; a name listed twice (two monitor depths) once. */
                if (strcmp(name, "meta-data") == 0 ||
                    find_action(agent, name) != &agent->actions[i])
                        continue;
                fprintf(f, "%s|", name);
        }
        fprintf(f, "%smeta-data}\n", find_action(agent, "validate-all") ? "" : "validate-all|");
        fprintf(f,
                "\n%s: %s\nParameters come from the environment as OCF_RESKEY_<name>; "
                "'%s meta-data' lists them.\n",
                agent->name, agent->shortdesc, agent->name);
}

/* A printable, bounded copy of an operator-supplied word, for messages. */
static void sanitize(const char *in, char *out, size_t size)
{
        size_t k = 0;

        for (; *in && k + 1 < size; in++)
                out[k++] = (*in >= 0x20 && *in < 0x7f) ? *in : '?';
        out[k] = '\0';
}

static enum ocf_exit check_required(const struct ocf_agent *agent)
{
        enum ocf_exit ec = OCF_SUCCESS;

        for (size_t i = 0; i < agent->n_params; i++)
                if (agent->params[i].required && !ocf_reskey(agent, agent->params[i].name)) {
                        log_error("required parameter '%s' is not set (OCF_RESKEY_%s)",
                                  agent->params[i].name, agent->params[i].name);
                        ec = OCF_ERR_CONFIGURED;
                }
        return ec;
}

static int setup_log_prefix(const struct ocf_agent *agent)
{
        const char *instance = getenv("OCF_RESOURCE_INSTANCE");
        char safe[128], prefix[384];

        sanitize(instance && instance[0] ? instance : agent->name, safe, sizeof(safe));
        snprintf(prefix, sizeof(prefix), "%s(%s)[%ld]: ", agent->name, safe, (long)getpid());
        return log_set_prefix(prefix);
}

int ocf_main(const struct ocf_agent *agent, int argc, char **argv)
{
        const char *action = argc > 1 ? argv[1] : NULL;
        const struct ocf_action *a;
        enum ocf_exit ec;
        char safe[64];

        if (setup_log_prefix(agent) < 0)
                return OCF_ERR_GENERIC;

        if (!action || argc > 2) {
                log_error(action ? "too many arguments: an agent takes one action"
                                 : "no action given");
                ocf_print_usage(agent, stderr);
                return OCF_ERR_ARGS;
        }
        if (strcmp(action, "meta-data") == 0)
                return ocf_print_metadata(agent, stdout) == 0 ? OCF_SUCCESS : OCF_ERR_GENERIC;
        if (strcmp(action, "usage") == 0 || strcmp(action, "help") == 0 ||
            strcmp(action, "--help") == 0) {
                ocf_print_usage(agent, stdout);
                return OCF_SUCCESS;
        }

        a = find_action(agent, action);
        if (!a && strcmp(action, "validate-all") != 0) {
                sanitize(action, safe, sizeof(safe));
                log_error("unknown action '%s'", safe);
                ocf_print_usage(agent, stderr);
                return OCF_ERR_UNIMPLEMENTED;
        }

        current_action = action;
        ec = check_required(agent);
        if (ec == OCF_SUCCESS && a && a->run)
                ec = a->run(agent);
        current_action = NULL;

        if ((int)ec < OCF_SUCCESS || ec > OCF_NOT_RUNNING) {
                log_error("action '%s' returned %d, which is no OCF exit code", action, (int)ec);
                ec = OCF_ERR_GENERIC;
        }
        return (int)ec;
}
