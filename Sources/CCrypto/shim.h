// The slice of OpenSSL's libcrypto riskd uses: HMAC-SHA256, SHA-256 and constant-time comparison.
#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#endif
