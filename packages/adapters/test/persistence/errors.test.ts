import { expect } from 'chai';
import { CatwalkError } from '@catwalk/core';
import { QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { isUuid, translateDbError } from '../../src/persistence/errors.js';

/** A pg DatabaseError as the driver raises it (wrapped by TypeORM in a QueryFailedError). */
function queryFailed(code: string, message: string, constraint?: string): Error {
  const driverError = Object.assign(new Error(message), { code, severity: 'ERROR', ...(constraint === undefined ? {} : { constraint }) });
  return Object.assign(new Error(message), { name: 'QueryFailedError', driverError });
}

const codeOf = (error: Error): string | undefined => (error instanceof CatwalkError ? error.code : undefined);

describe('database error translation', () => {
  it('turns a unique violation into conflict and a missing parent into not_found, hiding the driver text', () => {
    const unique = translateDbError(queryFailed('23505', 'duplicate key value violates unique constraint "deployments_machine_id_key"', 'deployments_machine_id_key'), 'deployments.save');
    expect(codeOf(unique)).to.equal('conflict');
    expect(unique.message).to.not.match(/duplicate|violates|deployments_/);
    expect((unique as CatwalkError).details).to.include({ operation: 'deployments.save', constraint: 'deployments_machine_id_key' });
    expect(codeOf(translateDbError(queryFailed('23503', 'insert or update on table "credentials" violates foreign key'), 'credentials.put'))).to.equal('not_found');
    expect(codeOf(translateDbError(queryFailed('23514', 'new row violates check constraint'), 'x'))).to.equal('invalid_input');
  });

  it('turns refused, dropped, shut-down and timed-out connections into retryable storage_unavailable', () => {
    const refused = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], ''), {});
    const cases: unknown[] = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      refused,
      queryFailed('57P01', 'terminating connection due to administrator command'),
      queryFailed('57014', 'canceling statement due to statement timeout'),
      queryFailed('08006', 'connection failure'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('Driver not Connected'), { name: 'TypeORMError' }),
      // What TypeORM throws when the backend was terminated and it already released the transaction's connection.
      new QueryRunnerProviderAlreadyReleasedError(),
    ];
    for (const error of cases) {
      const translated = translateDbError(error, 'deployments.get');
      expect(codeOf(translated), String(error)).to.equal('storage_unavailable');
      expect((translated as CatwalkError).retryable).to.equal(true);
      expect(translated.message).to.not.match(/ECONNREFUSED|127\.0\.0\.1|terminat|timeout exceeded|Driver|released/);
    }
  });

  it('passes CatwalkErrors and the caller’s own errors through unchanged, and hides unknown driver errors', () => {
    const own = new Error('my own failure');
    expect(translateDbError(own, 'x')).to.equal(own);
    const typed = new CatwalkError('not_found', 'gone');
    expect(translateDbError(typed, 'x')).to.equal(typed);
    const unknown = translateDbError(queryFailed('XX000', 'internal error: secret detail'), 'users.get');
    expect(unknown).to.not.be.instanceOf(CatwalkError);
    expect(unknown.message).to.equal('Database operation users.get failed.');
  });

  it('recognises UUIDs only', () => {
    expect(isUuid('6f1c1c3e-8f5a-4b7e-9a51-0c1d2e3f4a5b')).to.equal(true);
    expect(isUuid('dep-1')).to.equal(false);
    expect(isUuid("1' OR '1'='1")).to.equal(false);
  });
});
