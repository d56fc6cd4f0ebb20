/**
 * Fixed test keys so that RS256 JWTs in tests are byte-for-byte reproducible.
 * Generated once for the tests; they sign nothing outside this folder's specs.
 */
import type { JWK } from 'jose';

export const KEYS_URL = 'https://badges.vilniustech.lt/keys';

/** RSA 2048, the default issuer key. */
export const RSA_PRIVATE_JWK: JWK = {
  kty: 'RSA',
  n: 'ugX5Pq2fGUT0Zuk2CCPuA0dgM0R04CvhG2IRULdPuElHqLXsl6LvTGoKTjh_XFySbS_u4O2Gh3panSjLyQrz3i6sXlDF9Q1-oZMFXiH9XO7h57-809V_rtn6VJRqnaRcIVd3T0M9TyxNtWKlp0vWgrc8NvKkvXxcAjXvL_6MsEFuXpJroZaXZUtRMsMPzHmk0Yb_GIGXQBjf3ipefSUDc8BT3XeNoYVmb42AHL9cqBlpQiaT-5SE-757ECKZQgAqvmDJHiiQ4tXE-mqPIrddVUIOe3MfHOo30MG6B8FYizfiy3neTeYFPz6HLuVyV_RoIzFlaApthUoy8adly3aPxQ',
  e: 'AQAB',
  d: '8CfGH6UGQRlEbZemqdu464K6L3Wxbbc4ZqG0uP_va3sviB9V0m4Hgh9kLpfB1PuuDkhTnQ8JHt5XHY4NiP8a1zxqS1j8N-G0GeQ0idJXxiKggxCGNvTqYlIHXCo_ekU2q9S_sxSbkhsgN4ujUNgXl6n3kviutfJW1oPKx6tY9jFO-zjh2ihgvYbw55ja7e5BKTax6reXk-SDGZvqJiG0U-XJVQFDksx9m6ORZ4cjrCNWnZXl8uUL_OSs5Ef6sgtG1lQfH-i9lpIYPl-raY-lk6pXZ5DbBBUqsB9-dWMhiMuNYTgbcB6610iAfRP_fXtneB71auMa9LjQM-1oGoLh',
  p: '4hNSZLEBN0yYtAXeQdBAdatIis_oPvOHwkfKLmSf_BxWZ8VbUKqcq9fz8_9HTy1ZSH3XRcX25OvNzRYvSnmnzC_0BWcWMiUi2qUYIh-fVf0-UcojU51dXluy7wI7PYyRwt1g05VJLM1h55emeGaJTt3QTQqnKbYaPrSScYX08_E',
  q: '0qV3INSq4rFdROz2CA76sAvuyJy1nDvs1Y6JOr14XJPAllMj6NyGTpwlnFkJo_sd2CWUO5fCzwP7ApKTvx2IBx7NnpJBVjkBAbbxq4gkw3X7R60fkbp3aCiJbHWLEiXSmKE0KZUxb4TUOYXBgQ4X6av-ARj03nXbUNwSi63AXRU',
  dp: 'uNUNPu-MS_bevggyL2Kg4NNZ6suSWK1oaAmjngx81HUim5K6Vpg2oTRc6jbiyTQNU_w2nX_9nCnBx5QEtAIEkyb9fdFLT1IXTeU-dt-duILkiaAXA8ybwoJ8J3aOkoKzxTqTaEkcW3nLOro8yyEhz44AOIymIK8Wg__D3vajTzE',
  dq: 'KygRXx2TITy7Yiq2QXJoM_dN5bYNk0PHwv0f6nP1G-p9k47XFZdQwPxGzGCFlB4XwDf6xbbTB7zGCYHkWUyAmQzbjbhjQHoPVb2Yh88t0Qn0AHxcsmukmSds-FagtogfPHwShs51QWbSYDKiMYGkrpA5SxpE2OsGkutztUBU3_0',
  qi: 'S7vHTa6WstU6GuINm6S55BS7hRZjurpSCq7DxUxppIq5-5B-Ut8By6RTFRw5wSBHepdbhsVcblXNZ4ncb8IPYQXBeHgmlUuIpeFZHBxmejEbP2gLemX-UOC1UP8lkvk0BrE9p3W3y9ygbK6NYGafnpoWK_Gj5ymuGtYUamuagXg',
};

/** A second RSA key: "the wrong key", and the key after a rotation. */
export const OTHER_RSA_PRIVATE_JWK: JWK = {
  kty: 'RSA',
  n: 'unpx5_fwmEJyga4bQhcySjHD8EMiZbJTbwGIZ55Oq_4NabdCN6cK49oHilFX5X5fePMIea_pWQwl3fS7JzSvdFmYCgbC7DHelPMx_D2JRKltQyzPU_3fEX21UgjQrZbdn2hHxV0N2-OCVq0IZTzL6KynAJIRXS8ZU2voUUP4mY0Xcjm-q8kGDcjMJaJjRQ0sqbzoeuYllaC7ySeBznFdBIOAjn7F3SdyRmiQimkWMXZweW1eWQ4FVUBzQWgf89tLPmNKKbcQUT4jUmLNsXvpzjB39FzikHqBZVZdF9yQgepfCXFNgYjkXhbyPCCgxCpNQzXAOZ3fkvs8l9YhwRxDPQ',
  e: 'AQAB',
  d: 'E8fKvtwsQ35i5pIZFprezQN34QvCAY8XrhH3zeP7PN_DPPhBOCWKMG6vd5LW08NirbH772qDQlyZRLDBzHAYf2tEhyW99e95SIv-fJ7raWLece52JJbsm06eFfBU8GDtK8xUNqF_B5jbucV7ez-mco0j3tnfqSaGlXSADWS8IU9pUuvFHrSnidNVZIBO5AW5VvxYWpdFnO9_aHOdnxmQ91jS-A5WOUXVGyunCmwrc_Yq-BGxcwP5cIIxcR6vslH2lkRjsvKJhjwTIY0QiopHVTxckzlkkNtm3qFxQwSzvQuHRA-I9Hq6dTHgQkIKzRLL5xtEIwXEaDGixRRYSiZNyQ',
  p: '7F7LhGDPdnZgdj2NkncO7bb760LIMwhxbq8-kz_dVZAXlBH-g3poe3leKO_-0lH0KLwiMgCPsBaT4qa8cwIal7InM314ngWDCH-ZzuF8FtyARO1mI0Kh4AbM9Wgq0LvDfFRi9mc3KLbkAoZtXcXAIxE-vjZJUQewBJ7m74q3dfk',
  q: 'yfbztWQzAi7kmoSi8lvUo2_Jh4AbEU1acp5qXrWklr67xIkMExRjkXeINd4vKkitahRXs8y53NhjFPYHg-u3euSR92Ca-JGx-iCLLkbCGa9UyZ72F5e4CBnyiTCFBktk7xPHJbEmFpPYHiaTtaBnylxrDb_oIvqdcQsq9-ZeeGU',
  dp: 'dHsif9HVauNbFemvYoYZbTvHWWBHmB6JB6qEg7vtLsUbWXSkn9Yqtu5QYIwkXzDTyV8s2sc8B-KYbhEMvQBEaoz4lH84eWbt87ot6a1koT94Vn9G3glwDB5N0oHK16Iv640KV7L1k7LNGhF0w8k3rhBJgyLtbmkDbMOBunn5fsE',
  dq: 'Sr1-EQmkqtEpvlkJaEE9nsIWxXNOEQgcScCAQs5bu4GYQTIqasEn28RtfunbcH1214PxtNM1kRnvCOnHfDV2MB94OSDiGMzqHVN_zj9XQ2QUL40JK0_1ReI8VDLFd7_c-XDLSRKWstJBr169WQCkiEnNQEhdotw1-YiVfSoemdU',
  qi: 'iKFX-MCU-fyr_b3S_ANnxS4mgkTOlEHRBMJupTG3586IBlqptUHRAdKOFwE_9m5NFjz2UfiPB7zISLlkIDkJyndmEGXetwJ0ZfqLILH7wBpAmjxyUwMc0nID-ypo88PH1TgV5YsSxra-Vq_ncVnYhPLAd-aeQKPTL8CyBVsZmYg',
};

/** P-256, for ES256. */
export const EC_PRIVATE_JWK: JWK = {
  kty: 'EC',
  x: 'h0G_Ve0Ae1KZv_GNYxfBcyRiOd8ZlLiOu2LPdkfrfhQ',
  y: 'lm6enEOpF1LuDdqHUfbkLg0x0isvRL7zxtbbyXqFVL4',
  crv: 'P-256',
  d: 's7B2Ti3TL2jP1wCeypt1TXW4WKsPBf1Rkzw2PBYIDVA',
};
