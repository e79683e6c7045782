import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../../common/pagination/keyset.js';
import { Passkey, type PasskeyDeviceType } from '../entities/passkey.entity.js';

export interface NewPasskey {
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: PasskeyDeviceType;
  backedUp: boolean;
  name: string;
}

/** Every query of the passkeys table. */
@Injectable()
export class PasskeysRepository {
  constructor(@InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>) {}

  /**
   * Serialises a user's registrations until the transaction ends, so two at once cannot both
   * see room for one more passkey.
   */
  async lockUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('passkeys:' || $1))`, [userId]);
  }

  countOf(manager: EntityManager, userId: string): Promise<number> {
    return manager.getRepository(Passkey).countBy({ userId });
  }

  /** The new passkey, or null when its credential is already registered. */
  async insert(manager: EntityManager, passkey: NewPasskey): Promise<Passkey | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Passkey)
      .values({ ...passkey, publicKey: Buffer.from(passkey.publicKey) })
      .orIgnore()
      .returning('*')
      .execute();
    // ON CONFLICT DO NOTHING returns no row for a credential already on record.
    const rows = result.raw as Array<{ id: string }>;
    return rows[0] ? manager.getRepository(Passkey).findOneByOrFail({ id: rows[0].id }) : null;
  }

  /** A user's credential ids, for `excludeCredentials`. */
  async credentialsOf(
    userId: string,
  ): Promise<Array<Pick<Passkey, 'credentialId' | 'transports'>>> {
    return this.passkeys.find({
      where: { userId },
      select: { credentialId: true, transports: true },
    });
  }

  findByCredentialId(credentialId: string): Promise<Passkey | null> {
    return this.passkeys.findOneBy({ credentialId });
  }

  page(userId: string, page: PageRequest): Promise<Page<Passkey>> {
    const query = this.passkeys.createQueryBuilder('p').where('p.user_id = :userId', { userId });
    return keysetPage(query, 'p', page);
  }

  /**
   * Records a sign-in with the passkey: the new counter, but only over the one the signature was
   * checked against, so two sign-ins racing with one assertion cannot both pass.
   */
  async recordUse(
    use: { id: string; previousCounter: number; counter: number },
    at: Date,
  ): Promise<boolean> {
    const result = await this.passkeys
      .createQueryBuilder()
      .update()
      .set({ counter: use.counter, lastUsedAt: at })
      .where('id = :id AND counter = :previous', { id: use.id, previous: use.previousCounter })
      .execute();
    return result.affected === 1;
  }

  /** Deletes the user's passkey; null when they have no such passkey. */
  async deleteOwn(
    manager: EntityManager,
    userId: string,
    id: string,
  ): Promise<{ id: string; name: string } | null> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(Passkey)
      .where('id = :id AND user_id = :userId', { id, userId })
      .returning(['id', 'name'])
      .execute();
    const rows = result.raw as Array<{ id: string; name: string }>;
    return rows[0] ?? null;
  }

  async deleteAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(Passkey).delete({ userId });
  }
}
