/**
 * A typed dependency-injection token: a global symbol that remembers the type bound to it. Core does not depend
 * on Inversify; a `Token<T>` is a plain symbol, which Inversify accepts as a service identifier.
 */
export type Token<T> = symbol & { readonly __type?: T };

/** Creates the token `Symbol.for('@catwalk/core/<name>')`. */
export function token<T>(name: string): Token<T> {
  return Symbol.for(`@catwalk/core/${name}`) as Token<T>;
}
