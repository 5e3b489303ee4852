// The one module that talks to the desktop shell. Screens call these typed functions and
// never `invoke` directly. A failed command rejects with a `BackendError`, rebuilt from
// the `{code, message}` the shell sends: branch on `code`, show `message`.
import { invoke } from '@tauri-apps/api/core';

export type Status = 'uninitialised' | 'keyring' | 'passphrase';
export type KeySource = 'keyring' | 'passphrase';

export interface StoreStatus {
  status: Status;
  data_dir: string;
  open: boolean;
}

export interface CipherReport {
  cipher_version: string;
  cipher_provider: string;
  cipher_provider_version: string;
  page_size: number;
  cipher_memory_security: boolean;
  secure_delete: boolean;
  foreign_keys: boolean;
  journal_mode: string;
  synchronous: string;
  temp_store_compiled: string;
  schema_version: number;
  schema_supported: number;
}

export interface StoreInfo {
  data_dir: string;
  database: string;
  key_source: KeySource;
  cipher: CipherReport;
}

/** A command's failure: a stable `code` to branch on and a human `message` to show. */
export class BackendError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }

  static from(raw: unknown): BackendError {
    if (raw instanceof BackendError) return raw;
    if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
      const { code, message } = raw as { code: unknown; message: unknown };
      if (typeof code === 'string' && typeof message === 'string') {
        return new BackendError(code, message);
      }
    }
    const text = raw instanceof Error ? raw.message : String(raw);
    return new BackendError('ipc', text);
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw BackendError.from(raw);
  }
}

export const storeStatus = () => call<StoreStatus>('store_status');
export const openStore = () => call<StoreInfo>('open_store');
export const createWithPassphrase = (passphrase: string) =>
  call<StoreInfo>('create_with_passphrase', { passphrase });
export const unlockWithPassphrase = (passphrase: string) =>
  call<StoreInfo>('unlock_with_passphrase', { passphrase });
export const storeInfo = () => call<StoreInfo>('store_info');
