import { readSqlFile } from '../../sql-files/sql-source';

/** Text of the API's `queries/sql/<name>.sql`, read once per process. */
export function apiSql(name: string): string {
  return readSqlFile('api', 'queries', 'sql', `${name}.sql`);
}
