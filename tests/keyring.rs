//! Every keyring failure path, with keyring-core's mock store injecting the errors. The
//! real Secret Service is exercised by the CLI and end-to-end tests.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::*;
use keyring_core::api::CredentialStoreApi;
use keyring_core::{Entry, Error as KrError, mock};
use vivier::data_dir::{Protection, Unlock, account};
use vivier::keys::{DbKey, KeyFile, KeySource, Keyring, NextKey};

type ErrorMaker = Box<dyn Fn() -> KrError + Send + Sync>;

/// The mock store, plus a queue of errors to inject into the next entries it builds
/// (through the mock's own `set_error`), so failures can hit entries whose names are only
/// known inside the engine.
struct Injecting {
    inner: Arc<mock::Store>,
    queued: Mutex<Vec<ErrorMaker>>,
    refuse_build: Mutex<Option<ErrorMaker>>,
}

impl Injecting {
    fn new() -> Arc<Injecting> {
        Arc::new(Injecting {
            inner: mock::Store::new().unwrap(),
            queued: Mutex::default(),
            refuse_build: Mutex::default(),
        })
    }
    fn fail_next_call(&self, make: impl Fn() -> KrError + Send + Sync + 'static) {
        self.queued.lock().unwrap().push(Box::new(make));
    }
    fn refuse_to_build(&self, make: impl Fn() -> KrError + Send + Sync + 'static) {
        *self.refuse_build.lock().unwrap() = Some(Box::new(make));
    }
    fn entry(&self, user: &str) -> Entry {
        self.inner.build("vivier", user, None).unwrap()
    }
}

impl CredentialStoreApi for Injecting {
    fn vendor(&self) -> String {
        "injecting mock".into()
    }
    fn id(&self) -> String {
        self.inner.id()
    }
    fn build(&self, service: &str, user: &str, mods: Option<&HashMap<&str, &str>>) -> keyring_core::Result<Entry> {
        if let Some(make) = self.refuse_build.lock().unwrap().as_ref() {
            return Err(make());
        }
        let entry = self.inner.build(service, user, mods)?;
        if let Some(make) = self.queued.lock().unwrap().pop() {
            let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
            cred.set_error(make());
        }
        Ok(entry)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn keyring(store: &Arc<Injecting>) -> Keyring {
    Keyring::with_store(store.clone())
}

fn platform_error() -> Box<dyn std::error::Error + Send + Sync> {
    "the Secret Service went away".into()
}

fn store_id(t: &TempDataDir) -> String {
    KeyFile::load(&t.dir.key_path()).unwrap().unwrap().store_id
}

fn init_with_keyring(store: &Arc<Injecting>) -> TempDataDir {
    let t = TempDataDir::new();
    let mut s = t.dir.init(Protection::Keyring(&keyring(store))).unwrap();
    s.set_setting("kept", "yes").unwrap();
    t
}

fn nothing_written(t: &TempDataDir) {
    assert!(!t.dir.key_path().exists(), "a key file was written");
    assert!(!t.dir.db_path().exists(), "a database was written");
}

#[test]
fn first_run_with_the_keyring_keeps_the_key_there_and_opens_with_it() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert_eq!(kf.source, KeySource::Keyring);
    let secret = store.entry(&account(&kf.store_id)).get_secret().unwrap();
    assert_eq!(secret.len(), 32);
    let k = keyring(&store);
    let s = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap();
    assert_eq!(s.setting("kept").unwrap().as_deref(), Some("yes"));
    // The key file does not contain the key.
    let json = std::fs::read_to_string(t.dir.key_path()).unwrap();
    assert!(!json.contains(&hex::encode(&secret)));
}

#[test]
fn a_locked_keyring_at_first_run_writes_nothing() {
    let store = Injecting::new();
    store.fail_next_call(|| KrError::NoStorageAccess(platform_error()));
    let t = TempDataDir::new();
    let err = t.dir.init(Protection::Keyring(&keyring(&store))).unwrap_err();
    assert_eq!(err.code(), "keyring_locked", "{err}");
    assert!(err.to_string().contains("nlock"), "{err}");
    nothing_written(&t);
}

#[test]
fn no_keyring_at_first_run_offers_a_passphrase_and_writes_nothing() {
    let store = Injecting::new();
    store.refuse_to_build(|| KrError::NoDefaultStore);
    let t = TempDataDir::new();
    let err = t.dir.init(Protection::Keyring(&keyring(&store))).unwrap_err();
    assert_eq!(err.code(), "keyring_unavailable", "{err}");
    assert!(err.to_string().contains("passphrase"), "{err}");
    nothing_written(&t);
}

#[test]
fn a_platform_failure_while_storing_writes_nothing() {
    let store = Injecting::new();
    store.fail_next_call(|| KrError::PlatformFailure(platform_error()));
    let t = TempDataDir::new();
    let err = t.dir.init(Protection::Keyring(&keyring(&store))).unwrap_err();
    assert_eq!(err.code(), "keyring_unavailable", "{err}");
    nothing_written(&t);
}

#[test]
fn a_missing_entry_is_reported_and_no_new_key_is_made() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let id = store_id(&t);
    store.entry(&account(&id)).delete_credential().unwrap();
    let db_before = sha256_file(&t.dir.db_path());
    let kf_before = sha256_file(&t.dir.key_path());
    let k = keyring(&store);
    let err = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap_err();
    assert_eq!(err.code(), "keyring_entry_missing", "{err}");
    assert!(err.to_string().contains("will not make a new key"), "{err}");
    assert_eq!(sha256_file(&t.dir.db_path()), db_before);
    assert_eq!(sha256_file(&t.dir.key_path()), kf_before);
    assert!(store.entry(&account(&id)).get_secret().is_err(), "a new key was stored");
}

#[test]
fn a_locked_keyring_on_open_is_reported_then_a_retry_works() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let k = keyring(&store);
    store.fail_next_call(|| KrError::NoStorageAccess(platform_error()));
    let err = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap_err();
    assert_eq!(err.code(), "keyring_locked", "{err}");
    t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap();
}

#[test]
fn a_platform_failure_on_open_is_reported() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let k = keyring(&store);
    store.fail_next_call(|| KrError::PlatformFailure(platform_error()));
    let err = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap_err();
    assert_eq!(err.code(), "keyring_unavailable", "{err}");
}

#[test]
fn no_keyring_given_for_a_keyring_data_dir_is_reported() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let err = t.dir.open(Unlock::default()).unwrap_err();
    assert_eq!(err.code(), "keyring_unavailable", "{err}");
}

#[test]
fn an_entry_that_is_not_a_key_is_reported() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let id = store_id(&t);
    store.entry(&account(&id)).set_secret(b"hunter2").unwrap();
    let k = keyring(&store);
    let err = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap_err();
    assert_eq!(err.code(), "keyring_entry_invalid", "{err}");
    assert!(!err.to_string().contains("hunter2"));
}

#[test]
fn a_badly_encoded_entry_is_reported() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let k = keyring(&store);
    store.fail_next_call(|| KrError::BadDataFormat(vec![1, 2, 3], platform_error()));
    let err = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap_err();
    assert_eq!(err.code(), "keyring_entry_invalid", "{err}");
}

#[test]
fn an_entry_holding_another_databases_key_is_refused() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let id = store_id(&t);
    let other = DbKey::generate().unwrap();
    store.entry(&account(&id)).set_secret(other.expose_secret_bytes()).unwrap();
    let db_before = sha256_file(&t.dir.db_path());
    let k = keyring(&store);
    let err = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap_err();
    assert_eq!(err.code(), "key_mismatch", "{err}");
    assert_eq!(sha256_file(&t.dir.db_path()), db_before);
}

#[test]
fn rotation_with_the_keyring_replaces_the_entry() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let id = store_id(&t);
    let before = store.entry(&account(&id)).get_secret().unwrap();
    let k = keyring(&store);
    t.dir.rotate_key(Unlock { keyring: Some(&k), passphrase: None }).unwrap();
    let after = store.entry(&account(&id)).get_secret().unwrap();
    assert_ne!(before, after);
    assert!(store.entry(&format!("{}/next", account(&id))).get_secret().is_err(), "next entry left behind");
    let s = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap();
    assert_eq!(s.setting("kept").unwrap().as_deref(), Some("yes"));
}

#[test]
fn a_rotation_that_cannot_save_the_new_key_leaves_the_database_as_it_was() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let k = keyring(&store);
    let db_before = sha256_file(&t.dir.db_path());
    // The store for the next key refuses access: the rotation must stop before the database.
    let next = store.entry(&format!("{}/next", account(&store_id(&t))));
    let cred: &mock::Cred = next.as_any().downcast_ref().unwrap();
    cred.set_error(KrError::NoStorageAccess(platform_error()));
    let err = t.dir.rotate_key(Unlock { keyring: Some(&k), passphrase: None }).unwrap_err();
    assert_eq!(err.code(), "keyring_locked", "{err}");
    assert_eq!(sha256_file(&t.dir.db_path()), db_before);
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert!(kf.next.is_none());
    let s = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap();
    assert_eq!(s.setting("kept").unwrap().as_deref(), Some("yes"));
}

/// The crash window of a keyring rotation: the next key is in the keyring's next entry and
/// the database is re-keyed, but the main entry still holds the old key.
#[test]
fn a_keyring_rotation_interrupted_after_rekey_completes_on_next_open() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let id = store_id(&t);
    let mut old_bytes = store.entry(&account(&id)).get_secret().unwrap();
    let old = DbKey::from_bytes(&mut old_bytes).unwrap();
    let new = DbKey::generate().unwrap();
    store.entry(&format!("{}/next", account(&id))).set_secret(new.expose_secret_bytes()).unwrap();
    let mut kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    kf.next = Some(NextKey { check: new.check_tag(&id), wrapped: None });
    kf.save(&t.dir.key_path()).unwrap();
    {
        let conn = raw_sqlcipher(&t.dir.db_path(), &old);
        conn.execute_batch(&format!("PRAGMA rekey = \"x'{}'\";", hex::encode(new.expose_secret_bytes()))).unwrap();
    }
    let k = keyring(&store);
    let s = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap();
    assert_eq!(s.setting("kept").unwrap().as_deref(), Some("yes"));
    assert_eq!(store.entry(&account(&id)).get_secret().unwrap(), new.expose_secret_bytes().to_vec());
    assert!(KeyFile::load(&t.dir.key_path()).unwrap().unwrap().next.is_none());
}

#[test]
fn switching_to_a_passphrase_and_back_keeps_the_data() {
    let store = Injecting::new();
    let t = init_with_keyring(&store);
    let id = store_id(&t);
    let k = keyring(&store);
    let p = passphrase();
    t.dir.protect_with_passphrase(Unlock { keyring: Some(&k), passphrase: None }, &p).unwrap();
    assert!(store.entry(&account(&id)).get_secret().is_err(), "the keyring copy should be gone");
    let s = t.open().unwrap();
    assert_eq!(s.setting("kept").unwrap().as_deref(), Some("yes"));
    drop(s);
    t.dir.protect_with_keyring(Unlock { keyring: None, passphrase: Some(&p) }, &k).unwrap();
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert_eq!(kf.source, KeySource::Keyring);
    let s = t.dir.open(Unlock { keyring: Some(&k), passphrase: None }).unwrap();
    assert_eq!(s.setting("kept").unwrap().as_deref(), Some("yes"));
}

#[test]
fn switching_to_the_keyring_when_it_is_locked_keeps_the_passphrase() {
    let store = Injecting::new();
    let t = TempDataDir::with_passphrase();
    let k = keyring(&store);
    let p = passphrase();
    store.fail_next_call(|| KrError::NoStorageAccess(platform_error()));
    let err = t.dir.protect_with_keyring(Unlock { keyring: None, passphrase: Some(&p) }, &k).unwrap_err();
    assert_eq!(err.code(), "keyring_locked", "{err}");
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert!(matches!(kf.source, KeySource::Passphrase { .. }));
    t.open().unwrap();
}
