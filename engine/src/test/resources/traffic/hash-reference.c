/* Prints the reference values of HashFunctionsTest from HAProxy's own code. Build (the mirror holds HAProxy's git):
 *   git -C <haproxy.git> show v2.6.0:src/hash.c | sed "s|#include <haproxy/hash.h>|#include <stdint.h>|" > hash.c
 *   git -C <haproxy.git> show v2.6.0:include/haproxy/intops.h | sed -n "/static inline unsigned int __full_hash/,/^}/p" > fh.h
 *   gcc -O1 -o ref hash-reference.c hash.c && ./ref
 */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
unsigned int hash_wt6(const void *input, int len);
unsigned int hash_djb2(const void *input, int len);
unsigned int hash_sdbm(const void *input, int len);
unsigned int hash_crc32(const void *input, int len);
#include "fh.h"
int main(void) {
  const char *keys[] = {"", "a", "abc", "/", "/index.html", "www.example.com", "The quick brown fox jumps over the lazy dog", "/api/v1/users?page=3", "\xff\x80\x01"};
  for (int i = 0; i < 9; i++) {
    int n = strlen(keys[i]);
    printf("%d sdbm=%u djb2=%u wt6=%u crc32=%u\n", i, hash_sdbm(keys[i], n), hash_djb2(keys[i], n), hash_wt6(keys[i], n), hash_crc32(keys[i], n));
  }
  unsigned int in[] = {0, 1, 2, 4096, 4097, 0x7f000001, 0xffffffff, 123456789};
  for (int i = 0; i < 8; i++) printf("full_hash(%u)=%u\n", in[i], __full_hash(in[i]));
  return 0;
}
