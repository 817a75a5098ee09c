import type { Connection } from 'mongoose';
import { readById } from '@regua/mongo';
import type { Role, Scope, SeedUser } from '../domain/access.ts';
import { hashPassword } from '../auth/passwords.ts';

export interface UserDoc {
  _id: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  scopes: Scope[];
}

/** The embedded user store (`users`, `_id` = login). Another identity provider can replace it behind the same login. */
export function createUserStore(db: Connection) {
  const users = db.collection<UserDoc>('users');
  return {
    find: (id: string) => readById<UserDoc>({ collection: users as never }, id),
    /** Writes the configured users (hashing clear-text passwords): configuration is the source of truth for them. */
    async seed(seeds: readonly SeedUser[]): Promise<void> {
      for (const seed of seeds) {
        const passwordHash = seed.password.startsWith('scrypt$') ? seed.password : await hashPassword(seed.password);
        await users.replaceOne({ _id: seed.id }, { name: seed.name ?? seed.id, passwordHash, roles: seed.roles, scopes: seed.scopes }, { upsert: true });
      }
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
