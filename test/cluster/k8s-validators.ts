// kubernetes-models validators by kind (generated from the Kubernetes OpenAPI spec), for the
// cluster-mode manifests and what `kubectl kustomize deploy/` renders.
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

export const VALIDATORS: Record<string, (o: unknown) => void> = {
  Namespace: (o) => new Namespace(o as never).validate(),
  CustomResourceDefinition: (o) => new CustomResourceDefinition(o as never).validate(),
  ServiceAccount: (o) => new ServiceAccount(o as never).validate(),
  ClusterRole: (o) => new ClusterRole(o as never).validate(),
  ClusterRoleBinding: (o) => new ClusterRoleBinding(o as never).validate(),
  Role: (o) => new Role(o as never).validate(),
  RoleBinding: (o) => new RoleBinding(o as never).validate(),
  Deployment: (o) => new Deployment(o as never).validate(),
  DaemonSet: (o) => new DaemonSet(o as never).validate(),
  Job: (o) => new Job(o as never).validate(),
  ValidatingAdmissionPolicy: (o) => new ValidatingAdmissionPolicy(o as never).validate(),
  ValidatingAdmissionPolicyBinding: (o) => new ValidatingAdmissionPolicyBinding(o as never).validate(),
};
