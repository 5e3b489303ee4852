// Entry point: the last board asked for at once (its data travels while the page is
// built), global styles, then the root component.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { askEarly } from './lib/lastBoard';

askEarly();

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

export default mount(App, { target });
