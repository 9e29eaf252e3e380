/** Which top-level view shows: the inspector/start flow or the guided wizard. */
class Route {
  view = $state<'main' | 'wizard'>('main');
}

export const route = new Route();
