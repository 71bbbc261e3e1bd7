// Official Japanese registries and population tables; see the types in this module.
