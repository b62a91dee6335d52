import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, type LoggedIn, type Me, type SessionUser } from '../api';

export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null);

  async function load() {
    user.value = (await api<Me>('/api/auth/me')).user;
  }
  async function login(username: string, password: string) {
    user.value = (await api<LoggedIn>('/api/auth/login', { method: 'POST', json: { username, password } })).user;
  }
  async function logout() {
    await api('/api/auth/logout', { method: 'POST' });
    user.value = null;
  }
  return { user, load, login, logout };
});
