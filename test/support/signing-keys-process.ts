/** Loads (or creates) the credential signing keys from the environment's data folder, prints the active kid, exits: one of several racing processes. */
import { loadConfig, SigningKeys } from '@laurel/platform';

async function main(): Promise<void> {
  const keys = new SigningKeys(loadConfig(process.env));
  await keys.ready();
  console.log(`active ${(await keys.activeKey()).kid}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
