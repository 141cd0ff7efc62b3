/**
 * The file as a whole cannot be read (empty, another format, required columns missing): nothing in it is imported.
 * Problems of single lines are not errors: they come back as rejected rows beside the orders that are fine.
 */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}
