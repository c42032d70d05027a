/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared/http.h"

CURLcode http_request_setup(CURL *curl, const char *url, unsigned timeout_s)
{
        CURLcode code = curl_easy_setopt(curl, CURLOPT_URL, url);

        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
        if (code == CURLE_OK) /* never through a proxy from the environment */
                code = curl_easy_setopt(curl, CURLOPT_PROXY, "");
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)timeout_s);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout_s);
        return code;
}
