import { readSqlFile } from '../sql-files/sql-source';

/** Text of the retention job's `sql/<name>.sql`, read once. */
export function retentionSql(name: string): string {
  return readSqlFile('retention', 'sql', `${name}.sql`);
}
