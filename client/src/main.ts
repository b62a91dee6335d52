import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { createRouter, createWebHistory } from 'vue-router';
import AppRoot from './AppRoot.vue';
import { i18n } from './i18n';
import './styles.css';

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'map', component: () => import('./views/NearbyView.vue') },
    { path: '/stations/:id(\\d+)', name: 'station', component: () => import('./views/NearbyView.vue') },
    { path: '/plan', name: 'plan', component: () => import('./views/PlanView.vue') },
    // A scenario's own address opens it in the planner's view (/plan?scenario=12).
    {
      path: '/plan/scenarios/:id(\\d+)',
      redirect: (to) => ({ name: 'plan', query: { scenario: String(to.params.id) } }),
    },
    { path: '/screen', name: 'screen', component: () => import('./views/ScreenView.vue'), meta: { bare: true } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

createApp(AppRoot).use(createPinia()).use(router).use(i18n).mount('#app');
