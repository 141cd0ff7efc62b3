import type { en } from './en';

/** The shape of every language: the English keys, any string as the value. */
type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
