/** Users, their entities and API keys (by sha256) in SQLite. */
import type Database from 'better-sqlite3';
import { hashApiKey } from '../../auth/api-key.js';
import type { EntityRef, Viewer } from '../server-store.js';

interface UserRow {
  id: number;
  name: string;
  email: string | null;
  entity_id: number;
  entity_name: string;
}

/** The accounts part of the SQLite store. */
export class Accounts {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      userByName: db.prepare<[string], UserRow>(
        'SELECT u.id, u.name, u.email, e.id AS entity_id, e.name AS entity_name FROM users u JOIN entities e ON e.id = u.default_entity_id WHERE u.name = ?',
      ),
      userByKey: db.prepare<[string], UserRow>(
        'SELECT u.id, u.name, u.email, e.id AS entity_id, e.name AS entity_name FROM api_keys k JOIN users u ON u.id = k.user_id JOIN entities e ON e.id = u.default_entity_id WHERE k.key_sha256 = ?',
      ),
      memberships: db.prepare<[number], EntityRef>('SELECT e.id, e.name FROM memberships m JOIN entities e ON e.id = m.entity_id WHERE m.user_id = ? ORDER BY e.name'),
      entityByName: db.prepare<[string], EntityRef>('SELECT id, name FROM entities WHERE name = ?'),
      insertEntity: db.prepare<[string, number]>('INSERT INTO entities (name, created_at) VALUES (?, ?)'),
      insertUser: db.prepare<[string, string | null, number, number]>('INSERT INTO users (name, email, default_entity_id, created_at) VALUES (?, ?, ?, ?)'),
      insertMembership: db.prepare<[number, number]>('INSERT OR IGNORE INTO memberships (user_id, entity_id) VALUES (?, ?)'),
      keyOwner: db.prepare<[string], { user_id: number }>('SELECT user_id FROM api_keys WHERE key_sha256 = ?'),
      insertKey: db.prepare<[number, string, number]>('INSERT INTO api_keys (user_id, key_sha256, created_at) VALUES (?, ?, ?)'),
    };
  }

  hasUser(name: string): boolean {
    return this.statements.userByName.get(name) !== undefined;
  }

  createUser(name: string, email: string | null): Viewer {
    return this.db.transaction(() => {
      if (this.hasUser(name)) throw new Error(`a user named ${name} already exists`);
      if (this.statements.entityByName.get(name)) throw new Error(`an entity named ${name} already exists`);
      const now = Date.now() / 1000;
      const entityId = Number(this.statements.insertEntity.run(name, now).lastInsertRowid);
      const userId = Number(this.statements.insertUser.run(name, email, entityId, now).lastInsertRowid);
      this.statements.insertMembership.run(userId, entityId);
      return this.viewer(this.statements.userByName.get(name)!);
    }).immediate();
  }

  addApiKey(name: string, key: string): void {
    const user = this.statements.userByName.get(name);
    if (!user) throw new Error(`no user named ${name}`);
    const hash = hashApiKey(key);
    const owner = this.statements.keyOwner.get(hash);
    if (owner) {
      if (owner.user_id !== user.id) throw new Error('that key belongs to another user');
      return;
    }
    this.statements.insertKey.run(user.id, hash, Date.now() / 1000);
  }

  authenticate(key: string): Viewer | null {
    const row = this.statements.userByKey.get(hashApiKey(key));
    return row ? this.viewer(row) : null;
  }

  private viewer(row: UserRow): Viewer {
    return {
      userId: row.id,
      username: row.name,
      email: row.email,
      defaultEntity: { id: row.entity_id, name: row.entity_name },
      entities: this.statements.memberships.all(row.id),
    };
  }
}
