import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;
export const EC_ALGORITHMS = ['ES256', 'ES384', 'ES512'] as const;

export type JwtAlgorithm = (typeof HMAC_ALGORITHMS)[number] | (typeof RSA_ALGORITHMS)[number] | (typeof EC_ALGORITHMS)[number];

/** An EC key verifies exactly one algorithm: the one of its curve. */
const EC_ALGORITHM_BY_CURVE: Record<string, JwtAlgorithm> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

/** A public key from PEM (SPKI or certificate) or a JWK; throws with the reason when it is neither. */
export function importPublicKey(key: string | JWK): KeyObject {
  const keyObject = typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key, format: 'jwk' });
  algorithmsOfPublicKey(keyObject);
  return keyObject;
}

/** A private key from PEM (PKCS#8, PKCS#1, SEC1) or a JWK; throws with the reason when it is not an RSA or EC private key. */
export function importPrivateKey(key: string | JWK): KeyObject {
  const keyObject = typeof key === 'string' ? createPrivateKey(key) : createPrivateKey({ key, format: 'jwk' });
  algorithmsOfPublicKey(keyObject);
  return keyObject;
}

/** The algorithms a public key can verify (a private key: sign); throws for key types JWT verification does not use here. */
export function algorithmsOfPublicKey(key: KeyObject): JwtAlgorithm[] {
  if (key.asymmetricKeyType === 'rsa') return [...RSA_ALGORITHMS];
  if (key.asymmetricKeyType === 'ec') {
    const alg = EC_ALGORITHM_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (alg) return [alg];
    throw new Error(`EC curve ${key.asymmetricKeyDetails?.namedCurve} is not one of P-256, P-384, P-521`);
  }
  throw new Error(`${key.asymmetricKeyType} keys are not supported (RSA or EC only)`);
}

export function isHmacAlgorithm(alg: string): boolean {
  return (HMAC_ALGORITHMS as readonly string[]).includes(alg);
}
