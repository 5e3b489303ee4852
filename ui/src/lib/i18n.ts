// Every visible string, in English and French. The language follows the system
// (navigator.language: fr* gives French) until the user picks one in Settings; the
// choice is remembered on this machine. Components read `$t.some_key`.
import { derived, writable } from 'svelte/store';

const en = {
  app_name: 'Vivier',
  loading: 'Opening your encrypted database…',

  nav_label: 'Main',
  nav_jobs: 'Jobs',
  nav_candidates: 'Candidates',
  nav_inbox: 'Inbox',
  nav_requests: 'Requests',
  nav_retention: 'Retention',
  nav_settings: 'Settings',

  status_open: 'Encrypted database open',
  status_schema: 'schema',

  jobs_title: 'Jobs',
  jobs_empty: 'No jobs yet — open a position to start receiving candidates.',
  jobs_next: 'Each job has its own pipeline of stages, from application to offer.',
  candidates_title: 'Candidates',
  candidates_empty: 'No candidates yet — they appear here once they apply to one of your jobs.',
  candidates_next: 'Only what a job needs is kept, and only for as long as your retention rules allow.',
  inbox_title: 'Inbox',
  inbox_empty: 'Your inbox is empty — connect a mailbox to receive applications by e-mail.',
  inbox_next: 'Replies are threaded with the candidate they belong to.',
  requests_title: 'Requests',
  requests_empty: 'No requests — when a candidate asks to see, correct or erase their data, it shows up here.',
  requests_next: 'Each request has a deadline; Vivier reminds you before it passes.',
  retention_title: 'Retention',
  retention_empty: 'Nothing to purge — data past its retention period will be listed here before it is erased.',
  retention_next: 'Set how long candidates are kept in Settings once your first job is open.',

  settings_title: 'Settings',
  settings_store: 'Database',
  settings_data_dir: 'Data directory',
  settings_database: 'Database file',
  settings_key_source: 'Key kept in',
  key_source_keyring: 'the system keyring',
  key_source_passphrase: 'a passphrase',
  settings_cipher: 'SQLCipher',
  settings_provider: 'Crypto provider',
  settings_schema: 'Schema version',
  settings_schema_of: 'supported up to',
  settings_pragmas: 'Database settings',
  settings_compiled: 'compiled in',
  settings_language: 'Language',
  settings_language_hint: 'Vivier follows your system language unless you choose one here.',
  settings_loading: 'Reading database information…',
  yes: 'on',
  no: 'off',

  pass_create_title: 'Choose a passphrase',
  pass_create_intro:
    'No system keyring is available, so your database key will be protected by a passphrase. You will need it each time you open Vivier. It cannot be recovered if lost.',
  pass_unlock_title: 'Enter passphrase',
  pass_unlock_intro: 'This database is protected by a passphrase.',
  pass_label: 'Passphrase',
  pass_confirm_label: 'Repeat the passphrase',
  pass_create_submit: 'Create encrypted database',
  pass_unlock_submit: 'Unlock',
  pass_working: 'Working…',
  pass_too_short: 'Use at least 8 characters.',
  pass_mismatch: 'The two passphrases differ. Type the same passphrase twice.',
  pass_wrong: 'That passphrase does not open this database. Check it and try again.',
  pass_weak: 'This passphrase is too weak. Use at least 8 characters.',

  error_title: 'Vivier cannot open its database',
  error_entry_missing_title: 'The database key is missing from the keyring',
  error_code: 'Error code',
  error_retry: 'Retry',
};

export type Strings = typeof en;
export type Lang = 'en' | 'fr';

const fr: Strings = {
  app_name: 'Vivier',
  loading: 'Ouverture de votre base chiffrée…',

  nav_label: 'Principal',
  nav_jobs: 'Postes',
  nav_candidates: 'Candidats',
  nav_inbox: 'Boîte de réception',
  nav_requests: 'Demandes',
  nav_retention: 'Conservation',
  nav_settings: 'Réglages',

  status_open: 'Base chiffrée ouverte',
  status_schema: 'schéma',

  jobs_title: 'Postes',
  jobs_empty: 'Aucun poste pour l’instant — ouvrez un poste pour commencer à recevoir des candidatures.',
  jobs_next: 'Chaque poste a son propre parcours d’étapes, de la candidature à l’offre.',
  candidates_title: 'Candidats',
  candidates_empty: 'Aucun candidat pour l’instant — ils apparaissent ici dès qu’ils postulent à l’un de vos postes.',
  candidates_next: 'Seul ce dont un poste a besoin est conservé, et seulement le temps permis par vos règles de conservation.',
  inbox_title: 'Boîte de réception',
  inbox_empty: 'Votre boîte est vide — connectez une messagerie pour recevoir les candidatures par e-mail.',
  inbox_next: 'Les réponses sont rattachées au candidat concerné.',
  requests_title: 'Demandes',
  requests_empty: 'Aucune demande — quand un candidat demande à consulter, corriger ou effacer ses données, elle apparaît ici.',
  requests_next: 'Chaque demande a une échéance ; Vivier vous le rappelle avant qu’elle ne passe.',
  retention_title: 'Conservation',
  retention_empty: 'Rien à purger — les données arrivées au terme de leur durée de conservation seront listées ici avant effacement.',
  retention_next: 'Réglez la durée de conservation des candidats dès votre premier poste ouvert.',

  settings_title: 'Réglages',
  settings_store: 'Base de données',
  settings_data_dir: 'Dossier de données',
  settings_database: 'Fichier de la base',
  settings_key_source: 'Clé conservée dans',
  key_source_keyring: 'le trousseau du système',
  key_source_passphrase: 'une phrase secrète',
  settings_cipher: 'SQLCipher',
  settings_provider: 'Fournisseur cryptographique',
  settings_schema: 'Version du schéma',
  settings_schema_of: 'prise en charge jusqu’à',
  settings_pragmas: 'Paramètres de la base',
  settings_compiled: 'fixé à la compilation',
  settings_language: 'Langue',
  settings_language_hint: 'Vivier suit la langue du système, sauf si vous en choisissez une ici.',
  settings_loading: 'Lecture des informations de la base…',
  yes: 'activé',
  no: 'désactivé',

  pass_create_title: 'Choisissez une phrase secrète',
  pass_create_intro:
    'Aucun trousseau système n’est disponible : la clé de votre base sera protégée par une phrase secrète. Elle vous sera demandée à chaque ouverture de Vivier. Elle ne peut pas être récupérée si vous la perdez.',
  pass_unlock_title: 'Saisissez la phrase secrète',
  pass_unlock_intro: 'Cette base est protégée par une phrase secrète.',
  pass_label: 'Phrase secrète',
  pass_confirm_label: 'Répétez la phrase secrète',
  pass_create_submit: 'Créer la base chiffrée',
  pass_unlock_submit: 'Déverrouiller',
  pass_working: 'Un instant…',
  pass_too_short: 'Utilisez au moins 8 caractères.',
  pass_mismatch: 'Les deux phrases diffèrent. Saisissez deux fois la même phrase.',
  pass_wrong: 'Cette phrase secrète n’ouvre pas cette base. Vérifiez-la et réessayez.',
  pass_weak: 'Cette phrase secrète est trop faible. Utilisez au moins 8 caractères.',

  error_title: 'Vivier ne peut pas ouvrir sa base',
  error_entry_missing_title: 'La clé de la base est absente du trousseau',
  error_code: 'Code d’erreur',
  error_retry: 'Réessayer',
};

const dictionaries: Record<Lang, Strings> = { en, fr };
export const languages: { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
];

const STORAGE_KEY = 'vivier.lang';

function systemLang(): Lang {
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'fr') return saved;
  } catch {
    // Storage unavailable: follow the system.
  }
  return systemLang();
}

export const lang = writable<Lang>(initialLang());

lang.subscribe((l) => {
  document.documentElement.lang = l;
});

/** Picks a language and remembers it on this machine. */
export function setLang(l: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Not remembered; still applied for this session.
  }
  lang.set(l);
}

export const t = derived(lang, (l) => dictionaries[l]);
