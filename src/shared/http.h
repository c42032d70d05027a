/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <curl/curl.h>

/*
 * Set up one of hasan's HTTP requests on curl: to url over http or https
 * only, never redirected, never through a proxy from the environment,
 * without signals, connected and answered within timeout_s seconds each.
 * Returns CURLE_OK, or the code of the first option libcurl refused.
 */
CURLcode http_request_setup(CURL *curl, const char *url, unsigned timeout_s);
